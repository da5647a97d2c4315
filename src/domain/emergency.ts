import { containsPhrase, fold } from './text';

/**
 * The bot is not an emergency service. A message that reads as one gets the emergency numbers at
 * once, before any question. Phrases are folded (no diacritics) so "cháy nhà" and "chay nha" both
 * match. A false alarm costs one extra message with the numbers, a miss may cost much more, so
 * the list errs on the side of answering, but avoids words that are ordinary once diacritics are
 * gone: a resident writing "nó chạy về phía chợ" about a thief must not be told about 114.
 */
const PHRASES: Record<EmergencyKind, string[]> = {
  fire: [
    'chay nha',
    'dang chay',
    'bi chay',
    'chay lon',
    'dam chay',
    'boc chay',
    'hoa hoan',
    'chay kho',
    'chay cho',
    'chay quan',
    'chay chung cu',
    'phat no',
    'vu no',
    'no lon',
    'boc khoi',
    'khoi den',
    'ro ri gas',
    'ro khi gas',
    'fire',
    'burning',
    'explosion',
    'gas leak',
  ],
  crime: [
    'cuop',
    'cuop giat',
    'an cuop',
    'dang trom',
    'danh nhau',
    'dam nhau',
    'chem',
    'chem nhau',
    'cam dao',
    'dam dao',
    'co sung',
    'no sung',
    'ban sung',
    'bat coc',
    'robbery',
    'robbing',
    'fighting',
    'stabbing',
    'gun',
    'kidnap',
  ],
  medical: [
    'bi thuong',
    'chay mau',
    'bat tinh',
    'ngat xiu',
    'tai nan',
    'dot quy',
    'cap cuu',
    'sap chet',
    'hurt',
    'injured',
    'bleeding',
    'unconscious',
    'accident',
    'ambulance',
  ],
  help: ['cuu voi', 'cuu toi', 'cuu em', 'cuu nguoi', 'giup voi', 'khan cap', 'help', 'emergency', 'sos'],
};

export type EmergencyKind = 'fire' | 'crime' | 'medical' | 'help';

/**
 * Phrases that contain an emergency phrase but are not one. Bare words with everyday meanings
 * once folded ("chay" is both cháy and chạy, "no" both nổ and nợ) are left out of PHRASES above.
 */
const NOT_EMERGENCY = ['phong chay', 'phong chay chua chay', 'chay xe', 'chay tron', 'ky nang cap cuu'];

export function detectEmergency(text: string): EmergencyKind[] {
  let folded = fold(text);
  for (const phrase of NOT_EMERGENCY) folded = ` ${folded} `.split(` ${phrase} `).join('  ').trim();
  const kinds = (Object.keys(PHRASES) as EmergencyKind[]).filter((k) => PHRASES[k].some((p) => containsPhrase(folded, p)));
  return kinds;
}
