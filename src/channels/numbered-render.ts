import type { OutboundMessage } from '../conversations/messages';

/**
 * How channels without buttons (Zalo, the console) show an OutboundMessage: options become
 * numbered lines the person answers by typing, and the result is cut into messages the platform
 * accepts. domain/option-match reads such an answer back.
 */

export interface NumberedLabels {
  /** The prompt under the options ("Trả lời bằng số"), already translated by the caller. */
  reply: string;
}

export interface NumberedRenderOptions {
  /** Longest message the platform takes (Zalo: 2000 characters). */
  maxLength?: number;
}

export function renderNumbered(msg: OutboundMessage, labels: NumberedLabels, options: NumberedRenderOptions = {}): string[] {
  const maxLength = Math.max(1, Math.floor(options.maxLength ?? 2000));
  const blocks: string[] = [];
  if (msg.text.trim() !== '') blocks.push(msg.text.trimEnd());
  if (msg.options && msg.options.length > 0) {
    const lines = msg.options.map((option, i) => `${i + 1}. ${option.label}`);
    if (labels.reply.trim() !== '') lines.push('', labels.reply);
    blocks.push(lines.join('\n'));
  }
  if (msg.links && msg.links.length > 0) {
    blocks.push(msg.links.map((link) => `${link.label}: ${link.url}`).join('\n'));
  }
  if (msg.location) {
    const { latitude, longitude } = msg.location;
    blocks.push(`📍 ${latitude}, ${longitude}\nhttps://maps.google.com/?q=${latitude},${longitude}`);
  }
  if (msg.attachments && msg.attachments.length > 0) {
    blocks.push(msg.attachments.map((a) => `📎 ${a.kind}: ${a.ref}`).join('\n'));
  }
  return splitLines(blocks.join('\n\n'), maxLength);
}

/**
 * Packs whole lines into chunks of at most `maxLength`; only a line longer than a chunk is cut.
 * Blank lines at a cut are dropped, since a message starting or ending empty looks broken.
 */
export function splitLines(text: string, maxLength: number): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = (): void => {
    while (current.length > 0 && current[current.length - 1].trim() === '') current.pop();
    if (current.length > 0) chunks.push(current.join('\n'));
    current = [];
    size = 0;
  };
  for (const line of text.split('\n')) {
    for (const piece of hardSplit(line, maxLength)) {
      if (current.length === 0 && piece.trim() === '') continue;
      const added = current.length === 0 ? piece.length : size + 1 + piece.length;
      if (added > maxLength) {
        flush();
        if (piece.trim() === '') continue;
        current.push(piece);
        size = piece.length;
      } else {
        current.push(piece);
        size = added;
      }
    }
  }
  flush();
  return chunks;
}

function hardSplit(line: string, maxLength: number): string[] {
  if (line.length <= maxLength) return [line];
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > maxLength) {
    let cut = maxLength;
    // Never leave half of a surrogate pair (an emoji) at the end of a piece.
    if (cut > 1 && isHighSurrogate(rest.charCodeAt(cut - 1))) cut--;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) pieces.push(rest);
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
