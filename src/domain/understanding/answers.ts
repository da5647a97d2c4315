import { wordsOf } from './tokens';

/**
 * The short answers people type instead of pressing a button, folded and with abbreviations spelled
 * out ("ko" is "khong"): yes, no, skip, done, send, and the times of day a "when?" is answered with.
 * A phrase counts when it is the whole answer, or the answer starts with it ("ok gui di", "khong co").
 */
const YES = [
  'co',
  'dung',
  'dung roi',
  'dung vay',
  'u',
  'vang',
  'da',
  'da vang',
  'da dung',
  'ok',
  'yes',
  'y',
  'yep',
  'chinh xac',
  'phai',
  'dong y',
  'duoc',
  'chuan',
];
const NO = ['khong', 'khong phai', 'sai', 'no', 'nope', 'khong dung', 'chua', 'nham'];
const SEND = [
  'gui',
  'gui di',
  'gui luon',
  'dong y',
  'xac nhan',
  'ok',
  'ok gui',
  'dung roi',
  'send',
  'confirm',
  'submit',
  'yes',
  'ok gui di',
  'chot',
];
const NONE = [
  'khong',
  'khong co',
  'khong biet',
  'khong co ma',
  'khong nho',
  'chua co',
  'khong co anh',
  'khong co hinh',
  'khong co video',
  'het',
  'xong',
  'xong roi',
  'thoi',
  'bo qua',
  'none',
  'no',
  'skip',
  'dont know',
  'done',
  'nothing',
  'no photo',
  'no photos',
  'no code',
  'khong gui',
];

const starts = (folded: string, phrases: readonly string[]) => phrases.some((p) => folded === p || folded.startsWith(`${p} `));
const foldedAnswer = (text: string) => wordsOf(text).folded.join(' ');

export function saysYes(text: string): boolean {
  const f = foldedAnswer(text);
  return starts(f, YES) && !saysNo(text);
}

export function saysNo(text: string): boolean {
  const f = foldedAnswer(text);
  return starts(f, NO) && !starts(f, ['khong sao', 'khong van de']);
}

/** "gửi đi", "ok", "đồng ý", "đúng rồi": at a summary, the resident means Send. */
export function saysSend(text: string): boolean {
  return starts(foldedAnswer(text), SEND);
}

/** "không có", "không biết", "xong": there is nothing (more) to give here; move on. */
export function saysNone(text: string): boolean {
  return starts(foldedAnswer(text), NONE);
}

/** When something happened, as people say it: now, earlier today, or earlier (with the words kept as the detail). */
export type WhenAnswer = { when: 'now' | 'today' } | { when: 'earlier'; detail: string };

const NOW = ['bay gio', 'ngay bay gio', 'dang', 'vua', 'vua xong', 'vua moi', 'luc nay', 'now', 'right now', 'just now'];
const TODAY = [
  'hom nay',
  'sang nay',
  'trua nay',
  'chieu nay',
  'toi nay',
  'today',
  'this morning',
  'this afternoon',
  'this evening',
  'tieng truoc',
  'gio truoc',
  'hours ago',
  'hour ago',
  // Minutes ago is over, but today: "Đang xảy ra" would send an officer running for nothing.
  'phut truoc',
  'minutes ago',
  'minute ago',
];
const EARLIER = [
  'hom qua',
  'dem qua',
  'toi qua',
  'sang qua',
  'hom kia',
  'tuan truoc',
  'thang truoc',
  'bua truoc',
  'bua qua',
  'yesterday',
  'last night',
  'last week',
  'days ago',
  'ngay truoc',
];

const mentions = (folded: string, phrases: readonly string[]) => phrases.some((p) => ` ${folded} `.includes(` ${p} `));

/** "đêm qua" → earlier, detail "đêm qua"; "2 tiếng trước" → today; "vừa xong" → now; else null. */
export function whenOf(text: string): WhenAnswer | null {
  const f = foldedAnswer(text);
  if (mentions(f, EARLIER)) return { when: 'earlier', detail: text.trim() };
  if (mentions(f, TODAY)) return { when: 'today' };
  if (mentions(f, NOW)) return { when: 'now' };
  return null;
}

const QUESTION_WORDS = new Set([
  'sao',
  'gi',
  'nao',
  'dau',
  'ai',
  'may',
  'bao',
  'how',
  'what',
  'where',
  'who',
  'why',
  'when',
  'which',
  'can',
  'could',
  'should',
  'is',
  'are',
  'do',
  'does',
]);
const QUESTION_ENDINGS = ['khong', 'chua', 'a', 'ha', 'nhi', 'vay', 'the'];

/** A question, not a statement: a question mark, a question word, or a Vietnamese question ending ("… có phải khai báo không"). */
export function isQuestion(text: string): boolean {
  if (/[?？]/.test(text)) return true;
  const words = wordsOf(text).folded;
  return words.some((w) => QUESTION_WORDS.has(w)) || (words.length > 2 && QUESTION_ENDINGS.includes(words[words.length - 1]));
}
