import type { Rng } from './prng';

/**
 * Random strings a resident (or an attacker) might send: Vietnamese with and without diacritics,
 * composed and decomposed, emoji, lone surrogates, right-to-left and zero-width characters,
 * control characters, stacked combining marks, markup and query operators, and huge texts.
 *
 * `makeSafe` keeps the fuzz oracle honest: a reply may quote what the resident typed, so the
 * resident's own words must not contain what the oracle looks for in the bot's words
 * ("undefined", "[object Object]", "NaN", a raw locale key like "flow.expired").
 */

const ALPHABETS: readonly string[] = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ' \t\n.,;:!?-_/\\\'"()[]{}<>@#$%^&*=+~`|',
  'àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐƯƠ',
  'אבגדהוזחטיכלמנסעפצקרשת',
  'ابتثجحخدذرزسشصضطظعغفقكلمنهوي',
  '的一是不了人我在有他这为之大来以个中上们',
  '０１２３４５６７８９ＡＢＣ',
];

const SPECIAL: readonly string[] = [
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff', // zero-width
  '\u202e',
  '\u202d',
  '\u200f',
  '\u200e',
  '\u2066',
  '\u2069', // bidi controls
  '\u0300',
  '\u0301',
  '\u0303',
  '\u0309',
  '\u0323',
  '\u0302',
  '\u0306',
  '\u031b', // combining marks
  '\u0000',
  '\u0007',
  '\u001b',
  '\r',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u00a0',
  '\ud83d\ude00',
  '\ud83d\udc6e\u200d\u2642\ufe0f',
  '\ud83c\uddfb\ud83c\uddf3',
  '\ud83d\udea8', // emoji, ZWJ sequence, flag
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff', // lone surrogates
  '\ufffd',
  '\uffff',
  '\ufdd0',
  '\ud835\udc00', // replacement, non-characters, math bold A
];

const PHRASES: readonly string[] = [
  'Hai thanh niên bẻ khóa xe máy trước nhà số 12',
  'Hai thanh nien be khoa xe may truoc nha so 12',
  'Hẻm 45 Lê Lợi',
  'Quán karaoke hát đến 1 giờ sáng',
  'cháy nhà',
  'chay nha',
  'cướp',
  'có người bị thương',
  'CHÁY',
  'cuop giat',
  'trom cap',
  'Trộm cắp',
  'lua dao',
  'Tiếng ồn',
  'khac',
  'Hủy',
  'huy',
  'Quay lại',
  'quay lai',
  'Xong',
  'Bỏ qua',
  'Gửi',
  'Sửa',
  'Cancel',
  'Back',
  'Done',
  'Send',
  'Ẩn danh',
  'an danh',
  'Để lại số điện thoại',
  '0912345678',
  '+84 912 345 678',
  '091-234-5678',
  '84912345678',
  '12345',
  '+8400000000000000',
  'KP1TO3',
  'kp1to3',
  'KP1TO4',
  'ZZZZ',
  'ABCDEFGHIJKLMNOP',
  'A1B2',
  '<b>bold</b>',
  '*star* _u_ [x](http://evil)',
  '{"$gt":""}',
  '{"$ne": null}',
  '$where',
  '%s %d',
  '${process.env}',
  '{{code}}',
  "'; DROP TABLE cases; --",
  '../../etc/passwd',
  'http://evil.example/x',
  'javascript:alert(1)',
  'Xin chào',
  'hello',
  'help',
  'menu',
  'Tiếng Việt',
  'English',
];

const COMMANDS: readonly string[] = [
  '/start',
  '/start tip_KP1TO3',
  '/start hg_KP1TO3',
  '/start join_KP1TO3',
  '/start tip_ZZZZZZ',
  '/start hg_',
  '/start x',
  '/baotin',
  '/tip',
  '/hoagiai',
  '/mediation',
  '/huy',
  '/cancel',
  '/menu',
  '/help',
  '/trogiup',
  '/lang',
  '/lang en',
  '/lang vi',
  '/lang xx',
  '/ngonngu en',
  '/thamgia',
  '/thamgia KP1TO3',
  '/join kp1to3',
  '/join ZZZZ',
  '/khuvuc',
  '/khuvuc kp1-to3',
  '/khuvuc kp2-to1',
  '/khuvuc nowhere',
  '/area kp1-to4',
  '/start@totuquan_test_bot',
  '/baotin@totuquan_test_bot',
  '/baotin@other_bot',
  '/START',
  '/BaoTin',
  '/unknown',
  '/x',
  '/',
  '//',
  '/start\n\n\ntip_KP1TO3',
  '/lang   EN  ',
];

/** One random character from the alphabets and specials, biased towards the ones that break things. */
function randomChar(rng: Rng): string {
  if (rng.chance(0.2)) return rng.pick(SPECIAL);
  if (rng.chance(0.02)) return String.fromCharCode(rng.int(0, 0xffff));
  const alphabet = rng.pick(ALPHABETS);
  return alphabet[rng.int(0, alphabet.length - 1)];
}

export function randomText(rng: Rng, maxLength = 80): string {
  const n = rng.int(0, maxLength);
  let s = '';
  for (let i = 0; i < n; i++) s += randomChar(rng);
  return s;
}

/** Long texts: around the platform and flow limits (2000, 3000, 4096) and far beyond. */
export function hugeText(rng: Rng): string {
  const length = rng.pick([1999, 2000, 2001, 2999, 3000, 3001, 4095, 4096, 4097, 8000, 8001, 20_000, 120_000]);
  const unit = rng.pick(['x', 'á', 'a\u0301', '\ud83d\ude00', 'Trộm cắp ', '\u200b', 'word\n', '\n']);
  let s = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  // Sometimes cut inside a surrogate pair, as a careless client would.
  if (rng.chance(0.3)) s = s.slice(0, s.length - 1);
  return s;
}

/** Text as a person or a broken client might send it. */
export function fuzzText(rng: Rng): string {
  const kind = rng.weighted([
    [25, 'phrase'],
    [20, 'command'],
    [10, 'number'],
    [25, 'random'],
    [5, 'huge'],
    [5, 'mixed'],
    [5, 'decomposed'],
    [5, 'blank'],
  ] as const);
  switch (kind) {
    case 'phrase':
      return rng.pick(PHRASES);
    case 'command':
      return rng.chance(0.8) ? rng.pick(COMMANDS) : `${rng.pick(COMMANDS)} ${randomText(rng, 30)}`;
    case 'number':
      return rng.pick([
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
        '10',
        '11',
        '99',
        '-1',
        '1.',
        '2)',
        ' 3 ',
        '1.5',
        '１',
        '٣',
        '1e3',
        '00001',
      ]);
    case 'random':
      return randomText(rng);
    case 'huge':
      return hugeText(rng);
    case 'mixed':
      return `${rng.pick(PHRASES)}${rng.pick(SPECIAL)}${randomText(rng, 10)}${rng.pick(SPECIAL)}`;
    case 'decomposed':
      return rng.pick(PHRASES).normalize('NFD');
    case 'blank':
      return rng.pick(['', ' ', '\n', '\u200b', '\u00a0\u00a0', '\t\r\n', '\ufeff']);
  }
}

/** Any JSON-ish value at all, nested a little: what a field holds when a client is broken. */
export function garbageValue(rng: Rng, depth = 0): unknown {
  const kind = rng.weighted([
    [3, 'null'],
    [2, 'undefined'],
    [3, 'bool'],
    [4, 'int'],
    [2, 'weird-number'],
    [5, 'string'],
    [depth < 3 ? 2 : 0, 'array'],
    [depth < 3 ? 2 : 0, 'object'],
  ] as const);
  switch (kind) {
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'bool':
      return rng.chance(0.5);
    case 'int':
      return rng.pick([0, -1, 1, 42, 2 ** 31, -(2 ** 31), 2 ** 53, -(2 ** 53), 1e21, 100000001]);
    case 'weird-number':
      return rng.pick([NaN, Infinity, -Infinity, -0, 0.5, -1e-300, 1.7976931348623157e308, 4.9e-324]);
    case 'string':
      return rng.chance(0.1) ? hugeText(rng) : fuzzText(rng);
    case 'array':
      return Array.from({ length: rng.int(0, 4) }, () => garbageValue(rng, depth + 1));
    case 'object': {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--)
        o[
          rng.pick(['id', 'text', 'type', 'chat', 'from', 'message', '__proto__', 'constructor', 'toString', 'length', randomText(rng, 8)])
        ] = garbageValue(rng, depth + 1);
      return o;
    }
  }
}

/**
 * What the oracle looks for in the bot's words, taken out of the resident's: "undefined",
 * "[object Object]" and "NaN" in any case, and `namespace.key` for the locale namespaces.
 */
export function makeSafe(s: string, namespaces: readonly string[]): string {
  const keyLike = new RegExp(`\\b(${namespaces.join('|')})\\.(?=[A-Za-z])`, 'gi');
  return s
    .replace(/undefined/gi, 'undef')
    .replace(/object\s*object/gi, 'obj')
    .replace(/nan/gi, 'n-n')
    .replace(keyLike, '$1 ');
}

/** Applies makeSafe to every string inside a value (keys included), for whole updates. */
export function makeSafeDeep<T>(value: T, namespaces: readonly string[]): T {
  if (typeof value === 'string') return makeSafe(value, namespaces) as T;
  if (Array.isArray(value)) return value.map((v) => makeSafeDeep(v, namespaces)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, makeSafe(k, namespaces), {
        value: makeSafeDeep(v, namespaces),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return out as T;
  }
  return value;
}
