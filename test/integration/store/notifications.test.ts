import { createModels } from '../../../src/store/models';
import { openTestDatabase, type TestDatabase } from '../../support/db';

describe('NotificationRepository', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  const alert = { caseId: 'case-1', recipientId: 'cskv-sg-01', channel: 'telegram' as const, chatId: '100000001' };

  it('creates a pending notification with a deterministic id', async () => {
    const n = await db.store.notifications.ensure(alert);
    expect(n).toEqual({
      notificationId: 'case-1.cskv-sg-01.telegram',
      ...alert,
      status: 'pending',
      partsSent: 0,
      attempts: 0,
      createdAt: expect.any(Date),
    });
  });

  it('ensure twice (or concurrently) is one row, returned as it is', async () => {
    const first = await db.store.notifications.ensure(alert);
    await db.store.notifications.markPartSent(first.notificationId, 1);
    const again = await Promise.all(Array.from({ length: 10 }, () => db.store.notifications.ensure({ ...alert, chatId: 'changed' })));
    for (const n of again) expect(n).toEqual({ ...first, partsSent: 1 });
    expect(await createModels(db.conn).notification.countDocuments({ caseId: 'case-1' })).toBe(1);
  });

  it('keeps one notification per case, recipient and platform', async () => {
    await db.store.notifications.ensure({ ...alert, channel: 'console', chatId: 'officer-cskv-1' });
    await db.store.notifications.ensure({ ...alert, recipientId: 'truong-ca-sg', chatId: '100000003' });
    const rows = await db.store.notifications.forCase('case-1');
    expect(rows.map((n) => n.notificationId)).toEqual([
      'case-1.cskv-sg-01.console',
      'case-1.cskv-sg-01.telegram',
      'case-1.truong-ca-sg.telegram',
    ]);
    expect(await db.store.notifications.forCase('no-case')).toEqual([]);
  });

  it('never moves partsSent back', async () => {
    const { notificationId } = await db.store.notifications.ensure({ ...alert, caseId: 'case-parts' });
    expect((await db.store.notifications.markPartSent(notificationId, 3))?.partsSent).toBe(3);
    expect((await db.store.notifications.markPartSent(notificationId, 1))?.partsSent).toBe(3);
    expect((await db.store.notifications.markPartSent(notificationId, 3))?.partsSent).toBe(3);
    expect((await db.store.notifications.markPartSent(notificationId, 4))?.partsSent).toBe(4);
    await expect(db.store.notifications.markPartSent(notificationId, -1)).rejects.toThrow(/whole number/);
    expect(await db.store.notifications.markPartSent('missing', 1)).toBeNull();
  });

  it('counts the jobs that take a pending notification up, and none once it is sent', async () => {
    const { notificationId } = await db.store.notifications.ensure({ ...alert, caseId: 'case-attempts' });
    for (let i = 0; i < 3; i += 1) await db.store.notifications.takeUp(notificationId);
    expect((await db.store.notifications.byId(notificationId))?.attempts).toBe(3);
    await db.store.notifications.markSent(notificationId, 1);
    expect(await db.store.notifications.takeUp(notificationId)).toBeNull();
    expect((await db.store.notifications.byId(notificationId))?.attempts).toBe(3);
    expect(await db.store.notifications.takeUp('missing')).toBeNull();
  });

  it('marks sent once, with the parts sent in the same write: the first sentAt stays', async () => {
    const { notificationId } = await db.store.notifications.ensure({ ...alert, caseId: 'case-sent' });
    const sent = await db.store.notifications.markSent(notificationId, 3);
    expect(sent?.status).toBe('sent');
    expect(sent?.partsSent).toBe(3);
    expect(sent?.sentAt).toBeInstanceOf(Date);
    const again = await db.store.notifications.markSent(notificationId, 1);
    expect(again?.sentAt).toEqual(sent?.sentAt);
    expect(again?.partsSent).toBe(3);
    await expect(db.store.notifications.markSent(notificationId, -1)).rejects.toThrow(/whole number/);
  });

  it('marks failed with the reason, but never a notification already sent', async () => {
    const { notificationId } = await db.store.notifications.ensure({ ...alert, caseId: 'case-failed' });
    const failed = await db.store.notifications.markFailed(notificationId, '403: bot was blocked by the user');
    expect(failed).toMatchObject({ status: 'failed', lastError: '403: bot was blocked by the user' });

    const sentId = (await db.store.notifications.ensure({ ...alert, caseId: 'case-sent-then-failed' })).notificationId;
    await db.store.notifications.markSent(sentId, 1);
    const after = await db.store.notifications.markFailed(sentId, 'late failure');
    expect(after?.status).toBe('sent');
    expect(after).not.toHaveProperty('lastError');
    expect((await db.store.notifications.markFailed(notificationId, 'x'.repeat(2000)))?.lastError).toHaveLength(500);
    expect(await db.store.notifications.markFailed('missing', 'x')).toBeNull();
  });

  it('counts by status, every status present', async () => {
    const fresh = await openTestDatabase();
    try {
      expect(await fresh.store.notifications.countByStatus()).toEqual({ pending: 0, batched: 0, sent: 0, failed: 0 });
      const a = await fresh.store.notifications.ensure({ ...alert, caseId: 'a' });
      await fresh.store.notifications.ensure({ ...alert, caseId: 'b' });
      const c = await fresh.store.notifications.ensure({ ...alert, caseId: 'c' });
      await fresh.store.notifications.markSent(a.notificationId, 1);
      await fresh.store.notifications.markFailed(c.notificationId, 'gone');
      expect(await fresh.store.notifications.countByStatus()).toEqual({ pending: 1, batched: 0, sent: 1, failed: 1 });
    } finally {
      await fresh.close();
    }
  });
});
