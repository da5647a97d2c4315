import { download, MediaUnavailableError, type FetchedMedia, type MediaFetcher } from '../media-fetch';

/** Zalo gives a photo or voice note as a URL (`photo_url`, `voice_url`) that expires: fetched at once. */
export class ZaloMediaFetcher implements MediaFetcher {
  constructor(private readonly timeoutMs = 30_000) {}

  fetch(ref: string, maxBytes: number): Promise<FetchedMedia> {
    if (!/^https?:\/\//i.test(ref)) throw new MediaUnavailableError('not a URL');
    return download(ref, maxBytes, this.timeoutMs);
  }
}
