import { planChange } from '../../../src/domain/case-workflow';
import { RefCodeTakenError } from '../../../src/store/cases/case.repository';
import type { NewCase } from '../../../src/store/cases/case.schema';
import { createModels } from '../../../src/store/models';
import { openTestDatabase, type TestDatabase } from '../../support/db';

const submittedAt = new Date('2026-11-21T08:30:00Z');

function newCase(caseId: string, refCode: string, overrides: Partial<NewCase> = {}): NewCase {
  return {
    caseId,
    refCode,
    kind: 'tip',
    category: 'theft',
    fields: { what: 'Mất xe máy trước nhà', where: '12 Lê Lợi', when: 'sáng nay' },
    attachments: [{ kind: 'photo', ref: 'AgACAgUAAx0' }],
    anonymous: true,
    replyTo: { channel: 'telegram', chatIdEnc: 'sealed:abc' },
    lang: 'vi',
    areaCode: 'kp1-to3',
    submittedAt,
    ...overrides,
  };
}

describe('CaseRepository', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it('stores a new case once: created, then not created, same case', async () => {
    const input = newCase('case-1', 'TB-2611-0001', {
      location: { latitude: 10.7769, longitude: 106.7009 },
      contactEnc: 'sealed:phone',
      groupChatId: '-100111',
      joinCode: 'KP1TO3',
    });
    const first = await db.store.cases.insertIfAbsent(input);
    expect(first.created).toBe(true);
    expect(first.case).toEqual({
      ...input,
      status: 'new',
      recipients: [],
      history: [{ at: submittedAt, action: 'submitted', by: 'resident' }],
      createdAt: expect.any(Date),
    });

    // What the insert returns is exactly what a read returns: plain objects, arrays and Dates.
    expect(first.case).toStrictEqual(await db.store.cases.byCaseId('case-1'));
    expect(Object.getPrototypeOf(first.case.fields)).toBe(Object.prototype);

    const second = await db.store.cases.insertIfAbsent({ ...input, category: 'drugs', refCode: 'TB-2611-0999' });
    expect(second.created).toBe(false);
    expect(second.case).toEqual(first.case);
    expect(await db.store.cases.count()).toBe(1);
  });

  it('leaves optional fields out rather than storing them empty', async () => {
    const { case: stored } = await db.store.cases.insertIfAbsent(newCase('case-2', 'TB-2611-0002'));
    expect(stored).not.toHaveProperty('location');
    expect(stored).not.toHaveProperty('contactEnc');
    expect(stored).not.toHaveProperty('joinCode');
  });

  it('makes 20 concurrent submissions of one case one document', async () => {
    const input = newCase('case-race', 'TB-2611-0100');
    const results = await Promise.all(Array.from({ length: 20 }, () => db.store.cases.insertIfAbsent(input)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    for (const r of results) expect(r.case).toEqual(results[0]!.case);
    expect(await createModels(db.conn).case.countDocuments({ caseId: 'case-race' })).toBe(1);
  });

  it('stores text that looks like a query operator as plain text', async () => {
    const fields = { what: '{"$gt":""}', where: '$where', when: '{ "$ne": null }', extra: 'this.a == 1' };
    await db.store.cases.insertIfAbsent(newCase('case-literal', 'TB-2611-0003', { fields, category: '$where' }));
    const read = await db.store.cases.byCaseId('case-literal');
    expect(read?.fields).toEqual(fields);
    expect(read?.category).toBe('$where');
    expect(typeof read?.fields.what).toBe('string');
  });

  it('refuses field names that would be operators or paths, and writes nothing', async () => {
    await expect(db.store.cases.insertIfAbsent(newCase('case-bad-1', 'TB-2611-0004', { fields: { $where: 'x' } }))).rejects.toThrow(
      /field name "\$where" is not allowed/,
    );
    await expect(db.store.cases.insertIfAbsent(newCase('case-bad-2', 'TB-2611-0005', { fields: { 'a.b': 'x' } }))).rejects.toThrow(
      /field name "a.b" is not allowed/,
    );
    expect(await db.store.cases.byCaseId('case-bad-1')).toBeNull();
    expect(await db.store.cases.byCaseId('case-bad-2')).toBeNull();
  });

  it('reports a reference code already used by another case', async () => {
    await db.store.cases.insertIfAbsent(newCase('case-ref-a', 'TB-2611-0200'));
    const attempt = db.store.cases.insertIfAbsent(newCase('case-ref-b', 'TB-2611-0200'));
    await expect(attempt).rejects.toBeInstanceOf(RefCodeTakenError);
    expect(await db.store.cases.byCaseId('case-ref-b')).toBeNull();
  });

  it('finds cases by id and by reference code', async () => {
    await db.store.cases.insertIfAbsent(newCase('case-find', 'HG-2611-0007', { kind: 'mediation', category: 'noise' }));
    expect((await db.store.cases.byRefCode('HG-2611-0007'))?.caseId).toBe('case-find');
    expect((await db.store.cases.byCaseId('case-find'))?.refCode).toBe('HG-2611-0007');
    expect(await db.store.cases.byRefCode('HG-0000-0000')).toBeNull();
    expect(await db.store.cases.byCaseId('nope')).toBeNull();
  });

  it('applies a planned change only while the case has the status and assignee it was planned from', async () => {
    const { case: c } = await db.store.cases.insertIfAbsent(newCase('case-plan', 'TB-2611-0400'));
    const ack = planChange(c, { action: 'ack', by: 'cskv-1' }, new Date());
    if (typeof ack === 'string') throw new Error(`expected a plan, got ${ack}`);
    const acked = await db.store.cases.applyPlan('case-plan', c, ack);
    expect(acked).toMatchObject({
      status: 'acknowledged',
      assignedTo: 'cskv-1',
      history: expect.arrayContaining([expect.objectContaining({ action: 'acknowledged', by: 'cskv-1' })]),
    });
    // The same plan again, made from the old status: refused, and nothing written twice.
    expect(await db.store.cases.applyPlan('case-plan', c, ack)).toBeNull();
    expect((await db.store.cases.byCaseId('case-plan'))?.history).toEqual(acked!.history);
    expect(await db.store.cases.applyPlan('case-missing', c, ack)).toBeNull();
    // Same status, another assignee since the plan was made: refused too.
    const note = planChange(acked!, { action: 'note', by: 'cskv-1', note: 'đã xác minh' }, new Date());
    if (typeof note === 'string') throw new Error(`expected a plan, got ${note}`);
    expect(await db.store.cases.applyPlan('case-plan', { status: 'acknowledged', assignedTo: 'cskv-2' }, note)).toBeNull();
    expect((await db.store.cases.applyPlan('case-plan', acked!, note))?.history).toHaveLength(acked!.history.length + 1);
  });

  it('sets the recipients, without duplicates, idempotently', async () => {
    await db.store.cases.insertIfAbsent(newCase('case-route', 'TB-2611-0300'));
    const once = await db.store.cases.setRecipients('case-route', ['cskv-sg-01', 'truong-ca-sg', 'cskv-sg-01']);
    expect(once?.recipients).toEqual(['cskv-sg-01', 'truong-ca-sg']);
    const twice = await db.store.cases.setRecipients('case-route', ['cskv-sg-01', 'truong-ca-sg']);
    expect(twice).toEqual(once);
    expect(await db.store.cases.setRecipients('unknown-case', ['x'])).toBeNull();
  });

  it('counts cases, by kind', async () => {
    const all = await db.store.cases.count();
    const tips = await db.store.cases.count({ kind: 'tip' });
    const mediations = await db.store.cases.count({ kind: 'mediation' });
    expect(mediations).toBe(1);
    expect(tips + mediations).toBe(all);
  });
});
