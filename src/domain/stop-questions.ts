import { fold } from './text';

/**
 * A tipster's "stop asking me about this case", typed as the whole message in answer to an
 * officer's question (Zalo has no buttons, and Telegram users type too). Folded (no diacritics,
 * lower case, punctuation gone), so "dung hoi nua", "Đừng hỏi nữa!" and "STOP" all count.
 */
const STOP_PHRASES = new Set([
  'dung hoi',
  'dung hoi nua',
  'dung hoi toi',
  'dung hoi toi nua',
  'dung hoi em nua',
  'dung hoi minh nua',
  'dung hoi nua nhe',
  'dung hoi nua a',
  'dung lai',
  'dung lai di',
  'ngung',
  'ngung hoi',
  'ngung hoi nua',
  'thoi dung hoi nua',
  'khong muon bi hoi nua',
  'khong muon tra loi nua',
  'stop',
  'stop asking',
  'stop asking me',
  'dont ask',
  'dont ask me',
  'dont ask me again',
  'do not ask me again',
]);

/**
 * 'stop' when the message asks for no more questions; 'unsure' for a bare "dung", which is "dừng"
 * (stop) or "đúng" (right, an answer) typed without diacritics, so the tipster is asked which;
 * null for anything else. "dừng" and "đừng" written with their marks are a stop, "đúng" an answer.
 */
export function stopRequest(text: string): 'stop' | 'unsure' | null {
  const folded = fold(text.replace(/['’]/g, ''));
  if (STOP_PHRASES.has(folded)) return 'stop';
  if (folded !== 'dung') return null;
  const word = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}]+/gu, '');
  if (word === 'dừng' || word === 'đừng') return 'stop';
  return word === 'dung' ? 'unsure' : null;
}
