import { fold } from '../text';
import { telexVariants } from '../words';
import { englishStem } from './english-stem';

/**
 * How residents shorten words in chats, folded: "ko" and "k" are "không", "dc" is "được". Expanded
 * before anything reads the text, so "ko co ma" and "không có mã" are the same words.
 */
const ABBREVIATIONS: Record<string, string> = {
  ko: 'khong',
  k: 'khong',
  kh: 'khong',
  khg: 'khong',
  kg: 'khong',
  hok: 'khong',
  hong: 'khong',
  hem: 'khong',
  dc: 'duoc',
  dk: 'duoc',
  j: 'gi',
  ji: 'gi',
  ntn: 'nhu the nao',
  mn: 'moi nguoi',
  mng: 'moi nguoi',
  sdt: 'so dien thoai',
  dt: 'dien thoai',
  vs: 'voi',
  r: 'roi',
  ng: 'nguoi',
  bit: 'biet',
  wa: 'qua',
  trc: 'truoc',
  cty: 'cong ty',
  bn: 'bao nhieu',
  tks: 'thanks',
  thx: 'thanks',
  ok: 'ok',
  oke: 'ok',
  okie: 'ok',
  okela: 'ok',
  uk: 'u',
  uh: 'u',
  um: 'u',
  ms: 'moi',
  nc: 'nuoc',
  ns: 'noi',
};

/**
 * Southern words for their Northern twins, matched as typed with their diacritics only ("vô" is
 * "vào", but "vo" may be "vợ"): the rules and the corpus then read both regions alike.
 */
const REGIONAL: Record<string, string> = { vô: 'vào', hông: 'không', hổng: 'không', dìa: 'về', mần: 'làm' };

export interface Words {
  /** Lower case with the diacritics the resident typed (NFC), one entry per word. */
  typed: string[];
  /** The same words folded (no diacritics), abbreviations expanded (so it may hold more words). */
  folded: string[];
}

/** A typed word folded, abbreviations spelled out (cached: see wordFeatures). */
function foldedWord(w: string): readonly string[] {
  let f = foldCache.get(w);
  if (!f) {
    const folded = fold(w);
    f = (ABBREVIATIONS[folded] ?? folded).split(' ').filter(Boolean);
    if (foldCache.size >= WORD_CACHE_MAX) foldCache.clear();
    foldCache.set(w, f);
  }
  return f;
}

/** A text as words, both as typed and folded. */
export function wordsOf(text: string): Words {
  const typed = text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => REGIONAL[w] ?? w);
  const folded = typed.flatMap(foldedWord);
  return { typed, folded };
}

/**
 * The words as typed, with chat abbreviations spelled out (the expansions carry no diacritics):
 * what the emergency rules read, since they need to know which words came with diacritics.
 */
export function typedWords(text: string): string[] {
  return wordsOf(text).typed.flatMap((w) => {
    const expanded = ABBREVIATIONS[fold(w)];
    return expanded && expanded !== fold(w) ? expanded.split(' ') : [w];
  });
}

/** True when a word carries a Vietnamese diacritic (or đ): the resident typed what settles its meaning. */
export function hasDiacritics(word: string): boolean {
  return (
    fold(word) !==
    word
      .normalize('NFC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
  );
}

/**
 * The features a classifier reads of a text: folded words and word pairs (what is said), the words
 * with their diacritics where the resident typed them (what settles "cháy" from "chạy"), Telex
 * slips read back ("trooms" → "trom"), English words' stems (english-stem.ts), and letter triples
 * of longer words (typos still share most).
 */
export function featuresOf(text: string): string[] {
  const { typed, folded } = wordsOf(text);
  const out: string[] = [];
  for (const w of folded) out.push(...wordFeatures(w));
  for (let i = 0; i + 1 < folded.length; i++) out.push(`b:${folded[i]}_${folded[i + 1]}`);
  // English stems as words and pairs too, where they differ from the words: "bikes stolen" reads as "bike steal".
  const stems = folded.map(englishStem);
  stems.forEach((s, i) => s !== folded[i] && out.push(`w:${s}`));
  for (let i = 0; i + 1 < stems.length; i++)
    if (stems[i] !== folded[i] || stems[i + 1] !== folded[i + 1]) out.push(`b:${stems[i]}_${stems[i + 1]}`);
  for (const w of typed) if (marked(w)) out.push(`d:${w}`);
  return out;
}

/**
 * A word's own features, kept once worked out: the corpus says the same few thousand words again
 * and again, and the Telex and letter-triple work is most of the build. Bounded, so what residents
 * type cannot grow it without end; the features are the same whether cached or not.
 */
const WORD_CACHE_MAX = 50_000;
const wordCache = new Map<string, readonly string[]>();
const markedCache = new Map<string, boolean>();
const foldCache = new Map<string, readonly string[]>();

function wordFeatures(w: string): readonly string[] {
  let f = wordCache.get(w);
  if (!f) {
    const list = [`w:${w}`];
    for (const v of telexVariants(w)) list.push(`w:${v}`);
    if (w.length >= 4) for (let i = 0; i + 3 <= w.length + 2; i++) list.push(`c:${` ${w} `.slice(i, i + 3)}`);
    if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
    wordCache.set(w, (f = list));
  }
  return f;
}

function marked(w: string): boolean {
  let m = markedCache.get(w);
  if (m === undefined) {
    if (markedCache.size >= WORD_CACHE_MAX) markedCache.clear();
    markedCache.set(w, (m = hasDiacritics(w)));
  }
  return m;
}

/**
 * Letter triples and quadruples of the whole folded text, across the spaces between words: a typo
 * ("lua dao" → "lu dao"), a word run into the next ("bicuop") or split ("ma tuyy") still shares most
 * of them, and the ones across a space carry the word pairs too.
 */
export function letterGrams(text: string): string[] {
  const line = ` ${wordsOf(text).folded.join(' ')} `;
  const out: string[] = [];
  for (const n of [3, 4]) for (let i = 0; i + n <= line.length; i++) out.push(`g:${line.slice(i, i + n)}`);
  return out;
}
