import { fold } from './text';

/**
 * How a typed answer picks one of the options offered: by its number ("2", "2."), by its label, or
 * by the label typed without diacritics, in any case, with extra spaces, or by a unique start of at
 * least three letters ("trom" for "Trộm cắp, cướp giật"). Zalo and the console have no buttons, and
 * Telegram users often type instead of tapping, so every channel goes through this one function.
 */
export function matchOption<O extends { label: string }>(options: readonly O[], text: string): O | undefined {
  const trimmed = text.trim();
  const num = /^(\d{1,3})\s*[.)]?$/.exec(trimmed);
  if (num) return options[Number(num[1]) - 1];
  // Exact first: "Cổ" must pick "Cổ" even where "Cố" and "Co" fold to the same letters.
  const exact = options.find((o) => o.label.normalize('NFC').trim() === trimmed.normalize('NFC'));
  if (exact) return exact;
  const typed = fold(trimmed);
  if (typed.length === 0) return undefined;
  const folded = options.map((o) => fold(o.label));
  const same = options.filter((_, i) => folded[i] === typed);
  if (same.length > 0) return same.length === 1 ? same[0] : undefined;
  if (typed.length < 3) return undefined;
  const starts = options.filter((_, i) => folded[i].startsWith(typed));
  if (starts.length === 1) return starts[0];
  // "trom cap" for "Trộm cắp, cướp giật": every typed word begins a word of the label, in order.
  const words = typed.split(' ');
  const byWords = options.filter((_, i) => {
    const labelWords = folded[i].split(' ');
    let at = 0;
    return words.every((w) => {
      while (at < labelWords.length && !labelWords[at].startsWith(w)) at++;
      return at++ < labelWords.length;
    });
  });
  return byWords.length === 1 ? byWords[0] : undefined;
}
