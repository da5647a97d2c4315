/**
 * English words to a common stem, so "stolen bikes", "bike stolen" and "stealing my bike" share
 * their words: about a fifth of the corpus is English, with far fewer examples per label than the
 * Vietnamese, and cross-validation read it worst (73.7 % of labels against 86.6 %) until inflections
 * were taken off (75.8 %; scripts/cv-understanding.ts). A light suffix stripper, not a full Porter
 * stemmer: the stem only has to be the same for a word's forms, not be a word. No Vietnamese
 * syllable ends in -s, -ed, -er or -ing, so those rules leave folded Vietnamese alone (bar Telex
 * leftovers, "trooms" → "troom"); short words and words with digits are left as they are. The
 * final e is taken from four-letter Vietnamese words too ("thue" → "thu", "nghe" → "ngh"), an extra
 * feature beside the word itself: keeping them whole (an e taken only from five letters up) read
 * the same share of labels by cross-validation and found one train emergency fewer, so it stays.
 */
const IRREGULAR: Record<string, string> = {
  stole: 'steal',
  stolen: 'steal',
  thieves: 'thief',
  children: 'child',
  men: 'man',
  women: 'woman',
  people: 'person',
  broke: 'break',
  broken: 'break',
  fought: 'fight',
  took: 'take',
  taken: 'take',
  lost: 'lose',
  sold: 'sell',
  caught: 'catch',
  burnt: 'burn',
  kept: 'keep',
  left: 'leave',
  said: 'say',
  told: 'tell',
  paid: 'pay',
  drove: 'drive',
  driven: 'drive',
  ran: 'run',
  fell: 'fall',
  fallen: 'fall',
  threw: 'throw',
  thrown: 'throw',
  seen: 'see',
  saw: 'see',
};

/** The stem of one folded word; the word itself when there is nothing to take off. */
export function englishStem(w: string): string {
  if (w.length < 4 || !/^[a-z]+$/.test(w)) return w;
  const irregular = IRREGULAR[w];
  if (irregular) return irregular;
  let s = w;
  if (s.endsWith('ies') && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith('sses')) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss') && !s.endsWith('us') && !s.endsWith('is')) s = s.slice(0, -1);
  if (s.endsWith('ing') && s.length > 5) s = s.slice(0, -3);
  else if (s.endsWith('ied') && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith('ed') && s.length > 4) s = s.slice(0, -2);
  else if (s.endsWith('er') && s.length > 5) s = s.slice(0, -2);
  // "robbed" → "robb" → "rob", "parking" → "park"; then a final e, so "smoke" and "smoking" meet.
  if (s !== w && /([bcdfgklmnprstvz])\1$/.test(s)) s = s.slice(0, -1);
  if (s.endsWith('e') && s.length > 3) s = s.slice(0, -1);
  return s;
}
