/**
 * parse_mode: refuse what Telegram refuses ("can't parse entities"), return the text the user
 * would see. Catching the refusal here is the point: HTML or Markdown a user typed, pasted into a
 * formatted message, is a bug that only shows up on the wire.
 */
import { badRequest, type ApiError } from './faults';

const byteOffset = (s: string, index: number): number => Buffer.byteLength(s.slice(0, index), 'utf8');

const cantParse = (what: string): ApiError => badRequest(`can't parse entities: ${what}`);

export function plainText(text: string, parseMode: string | undefined): string {
  if (parseMode === undefined || parseMode === '') return text;
  switch (parseMode) {
    case 'HTML':
      return parseHtml(text);
    case 'MarkdownV2':
      return parseMarkdownV2(text);
    case 'Markdown':
      return parseLegacyMarkdown(text);
    default:
      throw badRequest('unsupported parse_mode');
  }
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);
const HTML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** The usual bug this catches: user-typed `<` or `&lt;`-less text pasted into an HTML message. */
function parseHtml(src: string): string {
  const open: Array<{ name: string; at: number }> = [];
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '<') {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/.exec(src.slice(i));
      if (!tag) throw cantParse(`Unsupported start tag at byte offset ${byteOffset(src, i)}`);
      const [whole, closing, rawName, attrs] = tag;
      const name = rawName.toLowerCase();
      if (closing) {
        const top = open.pop();
        if (!top) throw cantParse(`Unexpected end tag at byte offset ${byteOffset(src, i)}`);
        if (top.name !== name) {
          throw cantParse(`Unmatched end tag at byte offset ${byteOffset(src, i)}, expected "</${top.name}>", found "</${name}>"`);
        }
      } else {
        if (!HTML_TAGS.has(name)) throw cantParse(`Unsupported start tag "${name}" at byte offset ${byteOffset(src, i)}`);
        if (name === 'span' && !/class\s*=\s*["']?tg-spoiler/.test(attrs)) {
          throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(src, i)}`);
        }
        open.push({ name, at: i });
      }
      i += whole.length;
      continue;
    }
    if (ch === '&') {
      const entity = /^&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/.exec(src.slice(i, i + 12));
      if (entity) {
        const body = entity[1];
        const decoded = body.startsWith('#x')
          ? String.fromCodePoint(parseInt(body.slice(2), 16))
          : body.startsWith('#')
            ? String.fromCodePoint(Number(body.slice(1)))
            : HTML_ENTITIES[body.toLowerCase()];
        // Unknown named entities are left as typed, which is what Telegram does.
        if (decoded !== undefined) {
          out += decoded;
          i += entity[0].length;
          continue;
        }
      }
    }
    out += ch;
    i++;
  }
  const unclosed = open.pop();
  if (unclosed) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return out;
}

/** MarkdownV2: reserved characters outside entities must be escaped; markers must be closed. */
function parseMarkdownV2(src: string): string {
  const names: Record<string, string> = { '*': 'Bold', _: 'Italic', __: 'Underline', '~': 'Strikethrough', '||': 'Spoiler' };
  const open = new Map<string, number>();
  const toggle = (marker: string, at: number): void => {
    if (open.has(marker)) open.delete(marker);
    else open.set(marker, at);
  };
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    const next = src[i + 1];
    if (ch === '\\') {
      if (next === undefined) throw cantParse(`Character '\\' is reserved and must be escaped with the preceding '\\'`);
      out += next;
      i += 2;
      continue;
    }
    if (ch === '`') {
      const fence = src.startsWith('```', i) ? '```' : '`';
      const end = findUnescaped(src, fence, i + fence.length);
      if (end === -1)
        throw cantParse(`Can't find end of ${fence === '```' ? 'PreCode' : 'Code'} entity at byte offset ${byteOffset(src, i)}`);
      let inner = src.slice(i + fence.length, end);
      if (fence === '```' && inner.includes('\n')) inner = inner.slice(inner.indexOf('\n') + 1);
      out += inner.replace(/\\([`\\])/g, '$1');
      i = end + fence.length;
      continue;
    }
    if (ch === '[' || (ch === '!' && next === '[')) {
      // `[text](url)` is a link, `![👍](tg://emoji?id=…)` a custom emoji.
      open.set('[', i);
      i += ch === '!' ? 2 : 1;
      continue;
    }
    if (ch === ']') {
      if (!open.has('[')) throw cantParse(`Character ']' is reserved and must be escaped with the preceding '\\'`);
      open.delete('[');
      if (next === '(') {
        const close = findUnescaped(src, ')', i + 2);
        if (close === -1) throw cantParse(`Can't find end of a url at byte offset ${byteOffset(src, i)}`);
        i = close + 1;
      } else {
        i++;
      }
      continue;
    }
    if (ch === '_' && next === '_') {
      toggle('__', i);
      i += 2;
      continue;
    }
    if (ch === '|' && next === '|') {
      toggle('||', i);
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '~') {
      toggle(ch, i);
      i++;
      continue;
    }
    if (ch === '>' && (i === 0 || src[i - 1] === '\n')) {
      i++;
      continue;
    }
    if ('>#+-={}.!()|'.includes(ch)) {
      throw cantParse(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
    }
    out += ch;
    i++;
  }
  for (const [marker, at] of open) {
    throw cantParse(`Can't find end of ${names[marker] ?? 'TextUrl'} entity at byte offset ${byteOffset(src, at)}`);
  }
  return out;
}

/** Legacy Markdown: every `*`, `_`, `` ` `` and `[` that is not escaped must be closed. */
function parseLegacyMarkdown(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (ch === '\\' && '*_`['.includes(src[i + 1] ?? '')) {
      out += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '`') {
      const end = src.indexOf(ch, i + 1);
      if (end === -1) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`);
      out += src.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '[') {
      const close = src.indexOf(']', i + 1);
      if (close === -1) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(src, i)}`);
      out += src.slice(i + 1, close);
      i = src[close + 1] === '(' && src.indexOf(')', close) !== -1 ? src.indexOf(')', close) + 1 : close + 1;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

function findUnescaped(src: string, needle: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src.startsWith(needle, i)) return i;
  }
  return -1;
}
