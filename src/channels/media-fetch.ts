import { AppError } from '../domain/app-error';

/**
 * Fetching a resident's photo, video or voice note once, when it arrives (the evidence store,
 * src/app/evidence-keeper.ts): each platform says how (Telegram: getFile, then its file URL; Zalo:
 * the URL in the update, which expires), this file says how much. A download stops as soon as it
 * passes the cap, so a 2 GB video costs at most the cap in memory and time.
 */
export type FetchedMedia = { bytes: Buffer; mime?: string } | { tooLarge: true };

export interface MediaFetcher {
  /** The file behind the platform's reference; `tooLarge` past `maxBytes`. Throws when it cannot be had. */
  fetch(ref: string, maxBytes: number): Promise<FetchedMedia>;
}

/** The file could not be had. The reason is the HTTP status or a short code: never the URL, which can hold a token (Telegram) or the file's name. */
export class MediaUnavailableError extends AppError {
  constructor(reason: string) {
    super(`media unavailable: ${reason}`, { reason });
  }
}

/** GET `url` and read at most `maxBytes`; the URL never appears in an error. */
export async function download(url: string, maxBytes: number, timeoutMs = 30_000): Promise<FetchedMedia> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (err) {
    throw new MediaUnavailableError(err instanceof Error && err.name === 'TimeoutError' ? 'timed out' : 'no answer');
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new MediaUnavailableError(`HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    return { tooLarge: true };
  }
  const mime = res.headers.get('content-type')?.split(';')[0].trim() || undefined;
  const parts: Buffer[] = [];
  let total = 0;
  if (!res.body) return { bytes: Buffer.alloc(0), mime };
  const reader = res.body.getReader();
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch {
      throw new MediaUnavailableError('cut off');
    }
    if (chunk.done) break;
    total += chunk.value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return { tooLarge: true };
    }
    parts.push(Buffer.from(chunk.value));
  }
  return { bytes: Buffer.concat(parts), mime };
}
