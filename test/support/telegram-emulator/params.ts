/**
 * A call's parameters: read from whichever body telegraf sent (JSON, urlencoded, multipart) and
 * then taken one by one with the type Telegram coerces them to, refusing as Telegram does.
 */
import { badRequest } from './faults';
import type { Params, UploadedFile } from './types';

interface MultipartPart {
  name: string;
  filename?: string;
  data: Buffer;
}

/**
 * JSON (telegraf's normal body), urlencoded, or multipart (telegraf's body when uploading). Each
 * uploaded file is recorded in `uploads` and stands in the params as its made-up file_id.
 */
export function parseBody(contentType: string | undefined, body: Buffer, uploads: UploadedFile[]): Params {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (body.length === 0) return {};
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  if (type === 'multipart/form-data') {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
    if (!boundary) throw new Error('multipart body without boundary');
    const params: Params = {};
    for (const part of parseMultipart(body, boundary)) {
      if (part.filename === undefined) {
        params[part.name] = part.data.toString('utf8');
      } else {
        const file_id = `emu-upload-${uploads.length + 1}`;
        uploads.push({ field: part.name, filename: part.filename, size: part.data.length, file_id, data: part.data });
        params[part.name] = file_id;
      }
    }
    return params;
  }
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('JSON body is not an object');
  return parsed as Params;
}

/** parseBody for a body nobody promised to be valid (a webhook's reply); undefined when it is not. */
export function tryParseBody(contentType: string | undefined, payload: Buffer, uploads: UploadedFile[]): Params | undefined {
  try {
    return parseBody(contentType, payload, uploads);
  } catch {
    return undefined;
  }
}

/** A small RFC 7578 reader; telegraf writes `content-disposition:form-data; name="x"` (no space). */
function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // The CRLF before the next delimiter belongs to the delimiter, not to the data.
    const end = body.subarray(next - 2, next).toString() === '\r\n' ? next - 2 : next;
    const part = body.subarray(start, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = (headerEnd === -1 ? part : part.subarray(0, headerEnd)).toString('utf8');
    const disposition = headers.split('\r\n').find((line) => /^content-disposition\s*:/i.test(line)) ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      parts.push({ name, filename, data: headerEnd === -1 ? Buffer.alloc(0) : part.subarray(headerEnd + 4) });
    }
    pos = next;
  }
  return parts;
}

export function str(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw badRequest(`field "${key}" must be of type String`);
}

export function num(p: Params, key: string): number | undefined {
  const v = p[key];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) throw badRequest(`field "${key}" must be a Number`);
  return n;
}

export function bool(p: Params, key: string): boolean {
  const v = p[key];
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** Objects arrive as objects in JSON bodies and as JSON strings in form bodies. */
export function json(p: Params, key: string): unknown {
  const v = p[key];
  if (typeof v !== 'string') return v ?? undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw badRequest(`can't parse ${key} JSON object`);
  }
}

export function stringList(p: Params, key: string): string[] {
  const v = json(p, key);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
