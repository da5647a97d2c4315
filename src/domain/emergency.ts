import { containsPhrase, fold } from './text';

/**
 * The bot is not an emergency service. A message that reads as one gets the emergency numbers at
 * once, before any question. Phrases are folded (no diacritics) so "cháy nhà" and "chay nha" both
 * match; they are chosen to catch events in progress, and a false alarm only costs one extra
 * message with the numbers, so the list errs on the side of answering.
 */
const PHRASES: Record<EmergencyKind, string[]> = {
  fire: ['chay', 'chay nha', 'dam chay', 'boc chay', 'no', 'phat no', 'vu no', 'khoi', 'ro ri gas', 'ro ri khi gas', 'fire', 'burning', 'explosion', 'smoke', 'gas leak'],
  crime: ['cuop', 'dang cuop', 'cuop giat', 'an cuop', 'trom dang', 'dang trom', 'danh nhau', 'dang danh nhau', 'dam nhau', 'chem', 'chem nhau', 'dao', 'sung', 'bat coc', 'robbery', 'robbing', 'fight', 'fighting', 'stabbing', 'gun', 'kidnap'],
  medical: ['bi thuong', 'chay mau', 'bat tinh', 'ngat', 'tai nan', 'dot quy', 'cap cuu', 'sap chet', 'hurt', 'injured', 'bleeding', 'unconscious', 'accident', 'ambulance'],
  help: ['cuu', 'cuu voi', 'cuu toi', 'cuu em', 'giup voi', 'khan cap', 'help', 'emergency', 'sos'],
};

export type EmergencyKind = 'fire' | 'crime' | 'medical' | 'help';

/** Phrases that contain an emergency word but are not one ("chay" also means "run" in "chay xe"). */
const NOT_EMERGENCY = ['chay xe', 'chay bo', 'chay tron', 'chay quang cao', 'khong chay', 'dao tao', 'dao duc', 'khoi nghiep', 'khoi phuc', 'no nan', 'vay no', 'doi no', 'no tien', 'sung suong', 'phong chay', 'phong chay chua chay'];

export function detectEmergency(text: string): EmergencyKind[] {
  let folded = fold(text);
  for (const phrase of NOT_EMERGENCY) folded = ` ${folded} `.split(` ${phrase} `).join('  ').trim();
  const kinds = (Object.keys(PHRASES) as EmergencyKind[]).filter((k) => PHRASES[k].some((p) => containsPhrase(folded, p)));
  return kinds;
}
