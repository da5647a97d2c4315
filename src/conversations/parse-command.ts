import { fold } from '../domain/text';

/**
 * "/baotin", "/start tip_KP1TO3", "/khuvuc@totuquan_bot kp1-to3", "/Hủy" → { name, args }. Names
 * are folded (lower case, no diacritics: "/hủy" is /huy) because people type them on Vietnamese
 * keyboards; a command addressed to another bot ("/start@otherbot" in a group) is not ours and
 * gives undefined, like plain text.
 */
export function parseCommand(text: string, botUsername?: string): { name: string; args: string } | undefined {
  const m = /^\/([\p{L}\p{M}\p{N}_]{1,32})(?:@(\S{1,64}))?(?:\s+([\s\S]*))?$/u.exec(text.trim());
  if (!m) return undefined;
  // Only platforms with bot usernames (Telegram) address commands; elsewhere any @suffix is ignored.
  if (m[2] && botUsername && m[2].toLowerCase() !== botUsername.toLowerCase()) return undefined;
  const name = fold(m[1]).replace(/ /g, '_');
  return name ? { name, args: (m[3] ?? '').trim() } : undefined;
}
