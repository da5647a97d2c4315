import type { Telegram } from 'telegraf';
import { download, MediaUnavailableError, type FetchedMedia, type MediaFetcher } from '../media-fetch';
import { callTelegram } from './errors';

/** The Bot API serves files of at most 20 MB through getFile; bigger ones answer "file is too big". */
export const TELEGRAM_GETFILE_LIMIT = 20 * 1024 * 1024;

/**
 * A Telegram file_id → the file: getFile gives its path and size, then `<apiRoot>/file/bot<token>/<path>`
 * serves it (the URL holds the token: it never leaves this function, not even in an error).
 */
export class TelegramMediaFetcher implements MediaFetcher {
  constructor(
    private readonly telegram: Telegram,
    private readonly opts: { token: string; apiRoot?: string; timeoutMs?: number },
  ) {}

  async fetch(ref: string, maxBytes: number): Promise<FetchedMedia> {
    let file: { file_path?: string; file_size?: number };
    try {
      file = await callTelegram('getFile', () => this.telegram.getFile(ref));
    } catch (err) {
      if (err instanceof Error && /too big/i.test(err.message)) return { tooLarge: true };
      throw err;
    }
    if (file.file_size !== undefined && file.file_size > Math.min(maxBytes, TELEGRAM_GETFILE_LIMIT)) return { tooLarge: true };
    if (!file.file_path) throw new MediaUnavailableError('no file path');
    const root = (this.opts.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
    return download(`${root}/file/bot${this.opts.token}/${file.file_path}`, maxBytes, this.opts.timeoutMs);
  }
}
