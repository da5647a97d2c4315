import { editDistance, telexVariants } from '../../domain/words';
import { fold } from '../../domain/text';

/**
 * Finds which FAQ entry a resident's question is about, the way they really type it: with or
 * without diacritics, in any word order, with typos and Telex leftovers ("tamj tru"), in
 * Vietnamese or English. Each entry is a bag of words (all its sample questions, both languages);
 * a question scores by how much of its weight the entry explains, each word weighted IDF-like so
 * words shared by many entries ("cong an") count less than telling ones ("tam tru", "vneid").
 * When nothing explains the question well enough, `match` says so instead of guessing.
 */

export interface FaqDocument {
  id: string;
  /** Sample questions and keywords, any language, any diacritics. */
  texts: string[];
  /** The entry's titles (any language): a lone word of a title is enough to name the topic. */
  titles?: string[];
}

export interface FaqCandidate {
  id: string;
  /** 0..1: the share of the question's weight this entry explains. */
  score: number;
}

export type FaqResult =
  | { kind: 'answer'; id: string; score: number }
  /** Two or more entries fit about equally well: ask which one. */
  | { kind: 'ambiguous'; candidates: FaqCandidate[] }
  | { kind: 'none' };

export interface FaqMatchOptions {
  /** Below this share of the question explained, no answer (default 0.65)… */
  minScore?: number;
  /**
   * …unless the question is long and chatty but names the topic clearly: two of its words in the
   * entry's own order ("… đăng ký tạm trú cho em gái …") and this share explained (default 0.35).
   */
  minLongScore?: number;
  /** The best must beat the second by this much, or the question is ambiguous (default 0.12). */
  minMargin?: number;
}

/** Question words and fillers in both languages, folded: they say nothing about the topic. */
const STOPWORDS = new Set(
  // Vietnamese
  (
    'a ah ai ban be bi biet bo cac cach can cho chi chua co con cu cua da dang dau day de den deu di do duoc gi giup gio hay hoi ' +
    'khi khong la lai lam luc ma may minh muon nao neu nay nhe nhi nhu nho o oi on phai qua ra roi sao se ta thi the ' +
    'thi toi tu va vay ve vi voi xin xem ha hem k ko hok dc duoc nha nhe ne a u ui vs ak ah oke ok thoi cai nhung mot ' +
    // English
    'a about am an and any are as at be can could do does for from get got have how i if in is it me my need of on or ' +
    'please should tell the there to what when where which who why will with would you your'
  ).split(' '),
);

const MAX_QUESTION_WORDS = 40;

/** What an unanswered question keeps of a word the FAQ does not use. */
export const UNKNOWN_WORD = '…';

/** Weight of a typed word the FAQ never uses: it is part of the question but no entry explains it. */
const UNKNOWN_WEIGHT_SHARE = 0.6;

export class FaqIndex {
  private readonly entries: { id: string; words: Map<string, number>; bigrams: Set<string>; titleWords: Set<string> }[];
  private readonly df = new Map<string, number>();
  private readonly idf = new Map<string, number>();
  private readonly maxIdf: number;
  private readonly minScore: number;
  private readonly minLongScore: number;
  private readonly minMargin: number;

  constructor(docs: readonly FaqDocument[], options: FaqMatchOptions = {}) {
    this.minScore = options.minScore ?? 0.65;
    this.minLongScore = options.minLongScore ?? 0.35;
    this.minMargin = options.minMargin ?? 0.12;
    this.entries = docs.map((d) => {
      const words = new Map<string, number>();
      const bigrams = new Set<string>();
      const titleWords = new Set((d.titles ?? []).flatMap(contentTokens));
      for (const text of [...(d.titles ?? []), ...d.texts]) {
        const tokens = contentTokens(text);
        new Set(tokens).forEach((t) => words.set(t, (words.get(t) ?? 0) + 1));
        pairs(tokens).forEach((b) => bigrams.add(b));
      }
      return { id: d.id, words, bigrams, titleWords };
    });
    const n = this.entries.length;
    for (const e of this.entries) for (const w of e.words.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
    for (const [w, count] of this.df) this.idf.set(w, 1 + Math.log(n / count));
    this.maxIdf = 1 + Math.log(Math.max(1, n));
  }

  /** The entry this question is about, the few it might be about, or none. */
  match(question: string): FaqResult {
    // A question is a few dozen words; a pasted essay is not, and must not cost seconds of matching.
    const typed = contentTokens(question)
      .slice(0, MAX_QUESTION_WORDS)
      .flatMap((t) => this.resolve(t));
    // Each meaning counts once: "tam tru tam tru" is not twice the question.
    const seen = new Map<string, { word: string; sim: number; weight: number }>();
    for (const r of typed) {
      const key = r.word ?? `?${r.typed}`;
      const prev = seen.get(key);
      if (!prev || prev.sim < r.sim)
        seen.set(key, { word: r.word ?? '', sim: r.sim, weight: r.word ? this.idf.get(r.word)! : this.maxIdf * UNKNOWN_WEIGHT_SHARE });
    }
    const words = [...seen.values()];
    const total = words.reduce((s, w) => s + w.weight, 0);
    if (total === 0 || words.every((w) => !w.word)) return { kind: 'none' };
    const order = typed.map((r) => r.word).filter((w): w is string => Boolean(w));
    const questionPairs = pairs(order);

    const scored = this.entries.map((e) => {
      let explained = 0;
      const matched: string[] = [];
      for (const w of words) {
        const tf = w.word ? (e.words.get(w.word) ?? 0) : 0;
        if (tf === 0) continue;
        // An entry that uses the word in many of its questions is more about it ("vneid").
        explained += w.weight * w.sim * (1 + 0.3 * (1 - 1 / tf));
        matched.push(w.word);
      }
      // One word alone names a topic only if it is that topic's own ("vneid", "113"), not a
      // word several topics use ("xe": an ambulance, street racing).
      const named = matched.length >= 2 || (matched.length === 1 && (this.df.get(matched[0]) === 1 || e.titleWords.has(matched[0])));
      const inOrder = questionPairs.filter((p) => e.bigrams.has(p)).length;
      // Words in the entry's own order ("tam tru", "kich hoat") tip a close call, never decide alone.
      const score = explained / total + inOrder * 0.02;
      const accepted = named && (score >= this.minScore || (score >= this.minLongScore && matched.length >= 2 && inOrder >= 1));
      return { id: e.id, score, accepted };
    });
    scored.sort((a, b) => b.score - a.score);
    const fits = scored.filter((c) => c.accepted);
    const [best] = fits;
    if (!best) return { kind: 'none' };
    const close = fits.filter((c) => best.score - c.score < this.minMargin);
    if (close.length > 1)
      return { kind: 'ambiguous', candidates: close.slice(0, 3).map(({ id, score }) => ({ id, score: Math.min(1, score) })) };
    return { kind: 'answer', id: best.id, score: Math.min(1, best.score) };
  }

  /**
   * The question as it is counted when nothing answers it (faq:misses): only words the FAQ itself
   * uses (a typo or Telex leftover counted as the FAQ word it stands for) and the fixed question
   * words; every other word, a name, a house number, a phone, becomes one '…'. Text typed outside
   * a form is often a tip ("ông Hùng ở số 17 bán ma túy"): what is kept says which FAQ words were
   * near, never who or where. Empty (nothing counted) when no word carrying meaning is known.
   */
  missKey(question: string): string {
    const out: string[] = [];
    let known = false;
    const tokens = fold(question.replace(/@[A-Za-z0-9_]{3,64}/g, ' '))
      .split(' ')
      .filter(Boolean)
      .slice(0, MAX_QUESTION_WORDS);
    for (const token of tokens) {
      const words = STOPWORDS.has(token) ? [token] : this.resolve(token).map((r) => r.word);
      for (const word of words) {
        if (word && !STOPWORDS.has(word)) known = true;
        const next = word ?? UNKNOWN_WORD;
        if (next !== UNKNOWN_WORD || out.at(-1) !== UNKNOWN_WORD) out.push(next);
      }
    }
    return known ? out.join(' ').slice(0, 120).trim() : '';
  }

  /**
   * A typed word as FAQ vocabulary: itself; without Telex leftovers ("tamj" → "tam"); split in
   * two ("tamtru" → "tam tru"); or the nearest word within a small edit distance ("kihc" → "kich").
   * Unknown words stay, with no meaning, so they still weigh in the question's total.
   */
  private resolve(token: string): { typed: string; word?: string; sim: number }[] {
    if (this.idf.has(token)) return [{ typed: token, word: token, sim: 1 }];
    for (const v of telexVariants(token)) if (this.idf.has(v)) return [{ typed: token, word: v, sim: 0.95 }];
    if (token.length >= 5) {
      for (let i = 2; i <= token.length - 2; i++) {
        const [a, b] = [token.slice(0, i), token.slice(i)];
        if (this.idf.has(a) && this.idf.has(b) && !STOPWORDS.has(a) && !STOPWORDS.has(b)) {
          return [
            { typed: a, word: a, sim: 0.9 },
            { typed: b, word: b, sim: 0.9 },
          ];
        }
      }
    }
    // Vietnamese syllables are short and dense ("tien", "tiet", "tieu" are all words): one edit in
    // four letters is another word, so short words only forgive two swapped letters ("kihc").
    const allowed = token.length >= 8 ? 2 : token.length >= 5 ? 1 : token.length === 4 ? 1 : 0;
    if (allowed > 0 && !/^\d+$/.test(token)) {
      let best: { word: string; d: number } | undefined;
      for (const word of this.idf.keys()) {
        if (Math.abs(word.length - token.length) > allowed || word.length < 3) continue;
        if (token.length === 4 && (word.length !== 4 || [...word].sort().join('') !== [...token].sort().join(''))) continue;
        const d = editDistance(token, word, allowed);
        if (d <= allowed && (!best || d < best.d || (d === best.d && word < best.word))) best = { word, d };
      }
      if (best) return [{ typed: token, word: best.word, sim: best.d === 1 ? 0.8 : 0.6 }];
    }
    return [{ typed: token, sim: 0 }];
  }
}

// Not 'may': mấy and máy fold alike.
const QUESTION_WORDS = new Set(
  'sao gi nao dau ai khong ko hok chua bao hoi how what where who whom why when which can could is are does do should'.split(' '),
);

/**
 * Whether a text reads as a question rather than chatter ("hello", "cảm ơn"): a question mark, a
 * question word (with or without diacritics), or at least three words that carry meaning. Chatter
 * that no FAQ entry fits gets the ordinary "not understood" and menu, and is not counted.
 */
export function looksLikeQuestion(text: string): boolean {
  if (/[?？]/.test(text)) return true;
  if (
    fold(text)
      .split(' ')
      .some((w) => QUESTION_WORDS.has(w))
  )
    return true;
  return contentTokens(text).length >= 3;
}

/** Folded words that carry meaning: no stopwords, no @mentions, no lone letters. */
export function contentTokens(text: string): string[] {
  const withoutMentions = text.replace(/@[A-Za-z0-9_]{3,64}/g, ' ');
  return fold(withoutMentions)
    .split(' ')
    .filter((t) => t.length > 1 && !STOPWORDS.has(t));
}

function pairs(tokens: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) out.push(`${tokens[i]} ${tokens[i + 1]}`);
  return out;
}
