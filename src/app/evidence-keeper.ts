import { randomBytes } from 'node:crypto';
import type { MediaFetcher } from '../channels/media-fetch';
import type { EvidenceKeeper } from '../conversations/ports';
import { evidenceIdOf, evidenceRef, type Attachment, type ChannelName } from '../domain/chat';
import { mediaFormat, stripMetadata } from '../domain/media-metadata';
import type { Logger } from '../logger';
import type { EvidenceRepository } from '../store/evidence/evidence.repository';

/** Evidence ids: 16 random bytes, URL-safe (they appear in signed links, never with anything about the sender). */
export const newEvidenceId = () => randomBytes(16).toString('base64url');

/** What a file is when its bytes do not say: the platform's type, else by the kind of attachment. */
const DEFAULT_MIME: Record<Attachment['kind'], string> = {
  photo: 'image/jpeg',
  video: 'video/mp4',
  voice: 'audio/aac',
  document: 'application/octet-stream',
};

/**
 * The evidence store's front (issue 15): fetch from the platform now, strip metadata
 * (domain/media-metadata.ts), seal and store (store/evidence). The file's name is never asked
 * for nor kept; the platform's reference is dropped once the copy is stored.
 */
export class StoreEvidenceKeeper implements EvidenceKeeper {
  constructor(
    private readonly repo: EvidenceRepository,
    private readonly fetchers: Partial<Record<ChannelName, MediaFetcher>>,
    private readonly log: Logger,
    readonly maxBytes: number,
  ) {}

  async keep(channel: ChannelName, a: Attachment): Promise<{ kept: Attachment } | { refused: 'too-large' | 'unavailable' }> {
    if (evidenceIdOf(a)) return { kept: a };
    const fetcher = this.fetchers[channel];
    // The console's "photos" are names typed in a terminal: nothing to fetch, kept as they are.
    if (!fetcher) return { kept: a };
    try {
      const fetched = await fetcher.fetch(a.ref, this.maxBytes);
      if ('tooLarge' in fetched) return { refused: 'too-large' };
      const { bytes, format, removed } = stripMetadata(fetched.bytes);
      const mime = format === 'jpeg' ? 'image/jpeg' : format === 'png' ? 'image/png' : (fetched.mime ?? DEFAULT_MIME[a.kind]);
      const evidenceId = newEvidenceId();
      await this.repo.put(evidenceId, a.kind, mime, bytes);
      this.log.info(
        { evidenceId, channel, kind: a.kind, size: bytes.length, stripped: removed, format: mediaFormat(bytes) },
        'evidence.kept',
      );
      return { kept: { kind: a.kind, ref: evidenceRef(evidenceId) } };
    } catch (err) {
      const reason =
        err instanceof Error && 'reason' in err ? String((err as { reason?: string }).reason) : err instanceof Error ? err.name : 'unknown';
      this.log.warn({ channel, kind: a.kind, reason }, 'evidence.unavailable');
      return { refused: 'unavailable' };
    }
  }
}
