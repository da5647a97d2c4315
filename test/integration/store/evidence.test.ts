import type { mongo } from 'mongoose';
import { SealedBox } from '../../../src/domain/sealed-box';
import { EVIDENCE_CHUNK_BYTES, EvidenceRepository } from '../../../src/store/evidence/evidence.repository';
import { openTestDatabase, type TestDatabase } from '../../support/db';
import { sampleJpeg } from '../../support/sample-media';

/** The evidence store's own chunks collection, on the database scripts/services started (FerretDB locally). */
describe('EvidenceRepository', () => {
  let db: TestDatabase;
  let repo: EvidenceRepository;
  const box = new SealedBox([Buffer.alloc(32, 5)]);
  beforeAll(async () => {
    db = await openTestDatabase();
    repo = new EvidenceRepository(db.conn, box);
  });
  afterAll(async () => {
    await db.close();
  });

  const chunksOf = (evidenceId: string) =>
    db.conn
      .collection<{ evidenceId: string; n: number; data: mongo.Binary }>('evidence_chunks')
      .find({ evidenceId })
      .sort({ n: 1 })
      .toArray();

  it('keeps a file of several chunks sealed and gives it back whole', async () => {
    const file = sampleJpeg(3, 2 * EVIDENCE_CHUNK_BYTES + 1000);
    const meta = await repo.put('ev-multi-chunk-1', 'photo', 'image/jpeg', file);
    expect(meta).toMatchObject({ evidenceId: 'ev-multi-chunk-1', kind: 'photo', mime: 'image/jpeg', size: file.length });
    const chunks = await chunksOf('ev-multi-chunk-1');
    expect(chunks.map((c) => c.n)).toEqual([0, 1, 2]);
    const atRest = Buffer.concat(chunks.map((c) => Buffer.from(c.data.buffer)));
    expect(atRest.includes(file.subarray(0, 64))).toBe(false);
    expect((await repo.read('ev-multi-chunk-1'))?.bytes.equals(file)).toBe(true);
    expect(await repo.meta('ev-multi-chunk-1')).toMatchObject({ size: file.length, kind: 'photo' });
  });

  it('refuses chunks copied under another id, and deletes a file with its chunks', async () => {
    await repo.put('ev-original-1', 'voice', 'audio/aac', Buffer.from('voice bytes'));
    const [chunk] = await chunksOf('ev-original-1');
    // A file document and chunks made up under another id from the original's ciphertext.
    await db.conn.collection('evidence_chunks').insertOne({ _id: 'ev-copy-1:0', evidenceId: 'ev-copy-1', n: 0, data: chunk.data } as never);
    await db.conn
      .collection('evidence')
      .insertOne({ _id: 'ev-copy-1', kind: 'voice', mime: 'audio/aac', size: 11, chunks: 1, storedAt: new Date() } as never);
    await expect(repo.read('ev-copy-1')).rejects.toThrow();

    expect(await repo.delete(['ev-original-1', 'ev-copy-1'])).toBe(2);
    expect(await repo.read('ev-original-1')).toBeNull();
    expect(await chunksOf('ev-original-1')).toEqual([]);
    expect(await repo.delete([])).toBe(0);
  });
});
