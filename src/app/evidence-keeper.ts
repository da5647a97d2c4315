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

/** The type of a voice note or video by its first bytes, which say more than a file server's header. */
function sniff(b: Buffer): string | undefined {
  if (b.subarray(0, 4).toString('latin1') === 'OggS') return 'audio/ogg';
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xf6) === 0xf0) return 'audio/aac';
  if (b.subarray(4, 8).toString('latin1') === 'ftyp') {
    // The major brand says which kind of ISO base media file: a phone's 3GP or MOV plays as what it is.
    const brand = b.subarray(8, 12).toString('latin1');
    if (brand.startsWith('3g')) return 'video/3gpp';
    if (brand === 'qt  ') return 'video/quicktime';
    return 'video/mp4';
  }
  return undefined;
}

/** A platform's content type, unless it says nothing (file servers answer application/octet-stream). */
const specific = (mime: string | undefined) => (mime && mime !== 'application/octet-stream' ? mime : undefined);

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

  async discard(attachments: readonly Attachment[]): Promise<number> {
    return this.repo.delete(attachments.map(evidenceIdOf).filter((id): id is string => id !== undefined));
  }

  async keep(channel: ChannelName, a: Attachment): Promise<{ kept: Attachment } | { refused: 'too-large' | 'unavailable' }> {
    if (evidenceIdOf(a)) return { kept: a };
    const fetcher = this.fetchers[channel];
    // The console's "photos" are names typed in a terminal: nothing to fetch, kept as they are.
    if (!fetcher) return { kept: a };
    try {
      const fetched = await fetcher.fetch(a.ref, this.maxBytes);
      if ('tooLarge' in fetched) return { refused: 'too-large' };
      const { bytes, format, removed } = stripMetadata(fetched.bytes);
      const mime =
        format === 'jpeg'
          ? 'image/jpeg'
          : format === 'png'
            ? 'image/png'
            : (sniff(bytes) ?? specific(fetched.mime) ?? DEFAULT_MIME[a.kind]);
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
