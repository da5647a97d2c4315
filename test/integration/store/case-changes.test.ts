import { StoreCaseDesk } from '../../../src/features/officer-desk/adapters/case-desk';
import type { NewCase } from '../../../src/store/cases/case.schema';
import { TEST_BOX } from '../../support/memory-ports';
import { openTestDatabase, type TestDatabase } from '../../support/db';

/**
 * Officers on any bot replica, the web and the escalation worker change one case at the same
 * moment, with no lock around them: every change is a conditional update of the status and
 * assignee it was planned from, planned again when the case moved. Nothing is lost, nothing is
 * done twice, and no change is made from a case that is no longer so.
 */
describe('changes of one case at the same moment', () => {
  let db: TestDatabase;
  let desk: StoreCaseDesk;
  let seq = 0;
  beforeAll(async () => {
    db = await openTestDatabase();
    desk = new StoreCaseDesk(db.store, TEST_BOX, []);
  });
  afterAll(async () => {
    await db.close();
  });

  async function newCase(): Promise<string> {
    seq += 1;
    const c: NewCase = {
      caseId: `case-race-${seq}`,
      refCode: `TB-2612-${String(seq).padStart(4, '0')}`,
      kind: 'tip',
      category: 'theft',
      fields: { what: 'Mất xe đạp ở nhà xe' },
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdEnc: 'sealed:abc' },
      lang: 'vi',
      areaCode: 'kp1-to3',
      submittedAt: new Date('2026-12-01T08:00:00Z'),
    };
    await db.store.cases.insertIfAbsent(c);
    return c.caseId;
  }

  it('20 notes and an acknowledgement at once: every note kept, acknowledged once', async () => {
    const caseId = await newCase();
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => desk.change(caseId, { action: 'note', by: 'cskv-a', note: `ghi chú ${i}` })),
      desk.change(caseId, { action: 'ack', by: 'cskv-b' }),
    ]);
    const stored = (await db.store.cases.byCaseId(caseId))!;
    const notes = stored.history.filter((h) => h.action === 'note').map((h) => h.note);
    expect(notes.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `ghi chú ${i}`).sort());
    expect(stored.history.filter((h) => h.action === 'acknowledged')).toHaveLength(1);
    expect(stored.status).toBe('acknowledged');
    // Whoever acknowledged took the case; the acknowledgement that came second changed nothing.
    expect(stored.assignedTo).toBe(stored.acknowledgedBy);
    expect(results.slice(0, 20).every((r) => r.outcome === 'done')).toBe(true);
    expect(results[20]!.outcome).toBe(stored.acknowledgedBy === 'cskv-b' ? 'done' : 'unchanged');
  });

  it('a reassignment and an acknowledgement at once: the case ends with whom it was given to', async () => {
    for (let round = 0; round < 10; round++) {
      const caseId = await newCase();
      const [reassigned, acked] = await Promise.all([
        desk.change(caseId, { action: 'reassign', by: 'truong-ca', to: 'cskv-c' }),
        desk.change(caseId, { action: 'ack', by: 'cskv-d' }),
      ]);
      expect([reassigned.outcome, acked.outcome]).toEqual(['done', 'done']);
      const stored = (await db.store.cases.byCaseId(caseId))!;
      // The acknowledgement takes an unassigned case only: planned from an old read it would
      // have taken it back from cskv-c.
      expect(stored.assignedTo).toBe('cskv-c');
      expect(stored.recipients).toContain('cskv-c');
    }
  });

  it('a resolution and notes at once: nothing is written after the case is resolved', async () => {
    const caseId = await newCase();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => desk.change(caseId, { action: 'note', by: 'cskv-a', note: `trước ${i}` })),
      desk.change(caseId, { action: 'resolve', by: 'cskv-a', outcome: 'verified_handled' }),
      ...Array.from({ length: 5 }, (_, i) => desk.change(caseId, { action: 'note', by: 'cskv-a', note: `sau ${i}` })),
    ]);
    const stored = (await db.store.cases.byCaseId(caseId))!;
    expect(stored.status).toBe('resolved');
    const last = stored.history[stored.history.length - 1]!;
    expect(last.action).toBe('resolved');
    const kept = stored.history.filter((h) => h.action === 'note').length;
    expect(kept).toBe(results.filter((r) => r.outcome === 'done').length - 1);
    expect(results.filter((r) => r.outcome === 'closed')).toHaveLength(10 - kept);
  });
});
