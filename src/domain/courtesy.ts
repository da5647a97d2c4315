import { fold } from './text';

/**
 * Short replies that are manners, not information: "cảm ơn anh", "dạ vâng", "ok ạ", "thanks".
 * Said to an officer's question they are rarely the answer, so the relay asks before passing one
 * on (otherwise the real answer that follows would be taken for an ordinary message).
 */
const COURTESIES = new Set([
  'cam on',
  'cam on nhieu',
  'cam on rat nhieu',
  'xin cam on',
  'thank',
  'thanks',
  'thank you',
  'thanks a lot',
  'thx',
  'tks',
  'ty',
  'ok',
  'oke',
  'okay',
  'okie',
  'ok roi',
  'vang',
  'da',
  'da vang',
  'vang a',
  'u',
  'uh',
  'uhm',
  'um',
  'dc',
  'duoc',
  'duoc roi',
  'da ro',
  'ro roi',
  'biet roi',
  'da biet',
  'da nhan',
  'nhan duoc roi',
  'chao',
  'xin chao',
  'hi',
  'hello',
  'alo',
]);
/** Honorifics and particles around a courtesy: "cảm ơn anh nhé", "dạ vâng ạ". */
const PARTICLES = new Set([
  'anh',
  'chi',
  'em',
  'ban',
  'chu',
  'co',
  'bac',
  'ong',
  'ba',
  'a',
  'nhe',
  'nha',
  'nhen',
  'ha',
  'luon',
  'so',
  'sir',
  'officer',
  'you',
  'so much',
  'much',
]);

export function isCourtesy(text: string): boolean {
  const words = fold(text)
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 || words.length > 6) return false;
  const core = words.filter((w) => !PARTICLES.has(w)).join(' ');
  return core === '' ? false : COURTESIES.has(core);
}
