import type { Connection } from 'mongoose';
import type { mongo } from 'mongoose';
import type { Attachment } from '../../domain/chat';
import type { SealedBox } from '../../domain/sealed-box';

/** What the evidence store keeps of a file besides its bytes: no file name, no platform link, no sender. */
export interface EvidenceMeta {
  evidenceId: string;
  kind: Attachment['kind'];
  /** The type the bytes were recognised as (image/jpeg, image/png) or the platform said; for uploads. */
  mime: string;
  /** Plain size after stripping, in bytes. */
  size: number;
  storedAt: Date;
}

/** Chunk size, as GridFS's: well under a document's 16 MB limit, few enough documents for a 10 MB file. */
export const EVIDENCE_CHUNK_BYTES = 255 * 1024;

interface FileDoc {
  _id: string;
  kind: Attachment['kind'];
  mime: string;
  size: number;
  chunks: number;
  storedAt: Date;
  /** Which chunks hold the file: absent for those `put` wrote, the key's id for a re-sealed copy. */
  set?: string;
}

interface ChunkDoc {
  _id: string;
  evidenceId: string;
  n: number;
  data: Buffer | mongo.Binary;
  /** The file's `set` these chunks belong to (absent: the first). */
  set?: string;
}

/**
 * Photos, videos and voice notes of cases, as our own copy (issue 15): sealed with the contact key
 * (AES-256-GCM, associated data `evidence:<id>`, so a file's chunks copied under another id do not
 * open), split into chunks of 255 KB like GridFS's, in two collections: `evidence` (one document a
 * file) and `evidence_chunks`. GridFSBucket works on FerretDB 1.24 as well (a 600 KB round trip was
 * checked); two collections of our own are used because they need nothing but insertMany, find and
 * deleteMany, which MongoDB and FerretDB treat alike, and because the whole file is sealed before it
 * is cut, so no chunk holds a byte of the picture in clear.
 */
export class EvidenceRepository {
  constructor(
    private readonly conn: Connection,
    private readonly box: SealedBox,
  ) {}

  private get files() {
    return this.conn.collection<FileDoc>('evidence');
  }

  private get chunks() {
    return this.conn.collection<ChunkDoc>('evidence_chunks');
  }

  /**
   * Stores the file under `evidenceId`. The chunks first, the file document last: a file whose
   * document exists is complete, and a crash in between leaves only chunks no reader finds
   * (deleted with their id, see `delete`).
   */
  async put(evidenceId: string, kind: Attachment['kind'], mime: string, plain: Buffer): Promise<EvidenceMeta> {
    const docs = chunksOf(evidenceId, this.box.sealBytes(plain, aadOf(evidenceId)));
    await this.chunks.insertMany(docs, { ordered: true });
    const storedAt = new Date();
    await this.files.insertOne({ _id: evidenceId, kind, mime, size: plain.length, chunks: docs.length, storedAt });
    return { evidenceId, kind, mime, size: plain.length, storedAt };
  }

  async meta(evidenceId: string): Promise<EvidenceMeta | null> {
    const f = await this.files.findOne({ _id: evidenceId });
    return f ? { evidenceId, kind: f.kind, mime: f.mime, size: f.size, storedAt: f.storedAt } : null;
  }

  /** The file's plain bytes, opened; null when no such file is stored (or it was deleted). */
  async read(evidenceId: string): Promise<(EvidenceMeta & { bytes: Buffer }) | null> {
    const f = await this.files.findOne({ _id: evidenceId });
    if (!f) return null;
    const bytes = this.box.openBytes(await this.sealedOf(f), aadOf(evidenceId));
    return { evidenceId, kind: f.kind, mime: f.mime, size: f.size, storedAt: f.storedAt, bytes };
  }

  /**
   * Ids of files stored before `cutoff`, in id order after `after`, `limit` at a time: the
   * retention run reads them to find files no case refers to (a draft given up).
   */
  async storedBefore(cutoff: Date, limit: number, after?: string): Promise<string[]> {
    const rows = await this.files
      .find({ storedAt: { $lt: cutoff }, ...(after !== undefined ? { _id: { $gt: after } } : {}) }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return rows.map((r) => r._id);
  }

  /** Up to `limit` file ids after `after`, in order: key rotation walks the store with it. */
  async idsAfter(after: string, limit: number): Promise<string[]> {
    const rows = await this.files
      .find({ _id: { $gt: after } })
      .project<{ _id: string }>({ _id: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return rows.map((r) => r._id);
  }

  /**
   * The file sealed again with the newest key (key rotation). The new copy is written as a chunk set
   * of its own, the file document switched to it in one update, and the old chunks deleted last: a
   * run cut short at any point leaves the file readable, and the next run finishes the work
   * (chunks of a set the document does not name are deleted). 'gone' when the file is no more.
   */
  async reseal(evidenceId: string): Promise<'resealed' | 'current' | 'gone'> {
    const f = await this.files.findOne({ _id: evidenceId });
    if (!f) return 'gone';
    const sealed = await this.sealedOf(f);
    if (this.box.isCurrentBytes(sealed)) {
      await this.chunks.deleteMany({ evidenceId, set: { $ne: f.set ?? null } } as mongo.Filter<ChunkDoc>);
      return 'current';
    }
    const set = this.box.currentKeyId;
    const resealed = this.box.resealBytes(sealed, aadOf(evidenceId));
    await this.chunks.deleteMany({ evidenceId, set });
    await this.chunks.insertMany(chunksOf(evidenceId, resealed, set), { ordered: true });
    const { modifiedCount } = await this.files.updateOne({ _id: evidenceId, set: f.set ?? null } as mongo.Filter<FileDoc>, {
      $set: { set, chunks: Math.max(1, Math.ceil(resealed.length / EVIDENCE_CHUNK_BYTES)) },
    });
    if (modifiedCount === 0) {
      // Deleted (retention) or re-sealed by another run meanwhile: drop what this one wrote.
      if (!(await this.files.findOne({ _id: evidenceId }))) await this.chunks.deleteMany({ evidenceId });
      return 'gone';
    }
    await this.chunks.deleteMany({ evidenceId, set: { $ne: set } });
    return 'resealed';
  }

  /** The file's sealed bytes, from the chunk set its document names. */
  private async sealedOf(f: FileDoc): Promise<Buffer> {
    const parts = await this.chunks
      .find({ evidenceId: f._id, set: f.set ?? null } as mongo.Filter<ChunkDoc>)
      .sort({ n: 1 })
      .toArray();
    if (parts.length !== f.chunks) throw new Error(`evidence ${f._id}: ${parts.length} of ${f.chunks} chunks`);
    return Buffer.concat(parts.map((p) => (Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data.buffer))));
  }

  /** Deletes files and their chunks (retention, erasure): the hook for whoever purges a case's media. */
  async delete(evidenceIds: string[]): Promise<number> {
    if (evidenceIds.length === 0) return 0;
    const { deletedCount } = await this.files.deleteMany({ _id: { $in: evidenceIds } });
    await this.chunks.deleteMany({ evidenceId: { $in: evidenceIds } });
    return deletedCount;
  }
}

const aadOf = (evidenceId: string) => `evidence:${evidenceId}`;

/** Sealed bytes cut into chunks; a re-sealed copy's are named after their set, beside the first ones. */
function chunksOf(evidenceId: string, sealed: Buffer, set?: string): ChunkDoc[] {
  const docs: ChunkDoc[] = [];
  for (let n = 0, at = 0; at < sealed.length || n === 0; n++, at += EVIDENCE_CHUNK_BYTES) {
    const data = sealed.subarray(at, at + EVIDENCE_CHUNK_BYTES);
    docs.push(
      set === undefined
        ? { _id: `${evidenceId}:${n}`, evidenceId, n, data }
        : { _id: `${evidenceId}:${set}:${n}`, evidenceId, n, data, set },
    );
  }
  return docs;
}
