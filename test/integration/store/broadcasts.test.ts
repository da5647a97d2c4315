import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GroupAdmins } from '../../../src/features/broadcast/ports';
import { RegistryGroupAdmins, StoreBroadcastAudience } from '../../../src/features/broadcast/adapters/broadcast-audience';
import type { Broadcast } from '../../../src/store/broadcasts/broadcast.schema';
import { deliveryIdFor } from '../../../src/store/broadcasts/delivery.schema';
import { loadSeed } from '../../../src/store/seed';
import { openTestDatabase, type TestDatabase } from '../../support/db';

/** The broadcasts aggregate and who may reach what, on the real database (FerretDB in tests). */
describe('broadcast store', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
    await loadSeed(db.store, JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'scripts', 'seed-data', 'ward.json'), 'utf8')));
  });
  afterAll(async () => {
    await db.close();
  });

  const broadcast = (id: string): Broadcast => ({
    broadcastId: id,
    sender: { channel: 'telegram', userId: '1', chatId: '1', role: 'officer', officerId: 'cskv-sg-01', lang: 'vi' },
    audienceLabel: 'Tổ 3',
    targets: [{ channel: 'telegram', chatId: '-100500', title: 'Tổ 3' }],
    text: 'Nội dung',
    status: 'queued',
    createdAt: new Date(),
  });

  it('stores a broadcast once, whatever the number of presses', async () => {
    const first = await db.store.broadcasts.insertIfAbsent(broadcast('b-once'));
    const again = await db.store.broadcasts.insertIfAbsent({ ...broadcast('b-once'), text: 'changed' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ created: false, broadcast: first.broadcast });
    expect(await db.store.broadcasts.bySender('telegram', '1', ['queued'])).toHaveLength(1);
    await db.store.broadcasts.markSending('b-once');
    await db.store.broadcasts.markDone('b-once', { delivered: 1, failed: 0, skipped: 0 });
    expect(await db.store.broadcasts.byId('b-once')).toMatchObject({
      status: 'done',
      result: { delivered: 1, failed: 0, skipped: 0 },
      startedAt: expect.any(Date),
      finishedAt: expect.any(Date),
    });
    // What each group's delivery reads: everything but the (possibly thousands long) target list.
    const { targets, ...rest } = (await db.store.broadcasts.byId('b-once'))!;
    expect(targets).toHaveLength(1);
    expect(await db.store.broadcasts.content('b-once')).toEqual(rest);
    expect(await db.store.broadcasts.content('missing')).toBeNull();
  });

  it('keeps one delivery per group, finishes it once, and counts them', async () => {
    const id = deliveryIdFor('b-count', 'telegram', '-100500');
    expect(id).not.toContain('-100500');
    const first = {
      deliveryId: id,
      broadcastId: 'b-count',
      channel: 'telegram' as const,
      chatId: '-100500',
      title: 'Tổ 3',
      status: 'pending' as const,
    };
    const [created] = await db.store.broadcastDeliveries.createManyIfAbsent([first]);
    expect(await db.store.broadcastDeliveries.byId(id)).toEqual(created);
    await db.store.broadcastDeliveries.markPartSent(id, 1);
    // A retried fan-out finds the delivery with its progress and does not reset it; new ones in the same batch are written.
    const second = {
      deliveryId: deliveryIdFor('b-count', 'telegram', '-100501'),
      broadcastId: 'b-count',
      channel: 'telegram' as const,
      chatId: '-100501',
      title: 'Tổ 4',
      status: 'skipped' as const,
      reason: 'inactive',
    };
    const again = await db.store.broadcastDeliveries.createManyIfAbsent([first, second]);
    expect(again).toEqual([{ ...created, partsSent: 1 }, expect.objectContaining({ ...second, partsSent: 0, attempts: 0 })]);
    expect(await db.store.broadcastDeliveries.byId(second.deliveryId)).toEqual(again[1]);
    expect(await db.store.broadcastDeliveries.counts('b-count')).toEqual({ pending: 1, sent: 0, failed: 0, skipped: 1 });
    expect(await db.store.broadcastDeliveries.finish(id, 'sent', { partsSent: 2 })).toMatchObject({ status: 'sent', partsSent: 2 });
    expect(await db.store.broadcastDeliveries.finish(id, 'failed', { reason: 'late' })).toMatchObject({ status: 'sent', partsSent: 2 });
    expect(await db.store.broadcastDeliveries.counts('b-count')).toEqual({ pending: 0, sent: 1, failed: 0, skipped: 1 });
  });

  describe('who may reach which groups', () => {
    const telegramAdmins = new Set<string>();
    const admins: GroupAdmins = {
      isAdmin: async (channel, chatId, userId) =>
        channel === 'telegram'
          ? telegramAdmins.has(`${chatId}:${userId}`)
          : new RegistryGroupAdmins(db.store).isAdmin(channel, chatId, userId),
    };
    const audience = () => new StoreBroadcastAudience(db.store, ['telegram:42'], admins, new Set(['telegram', 'zalo'] as const));

    beforeAll(async () => {
      for (const [chatId, area] of [
        ['-100301', 'kp1-to3'],
        ['-100302', 'kp2-to1'],
        ['-100303', null],
      ] as const) {
        await db.store.groups.register('telegram', chatId, `Nhóm ${chatId}`);
        if (area) await db.store.groups.bindArea('telegram', chatId, area);
      }
      await db.store.groups.register('zalo', 'zl-g1', 'Nhóm Zalo');
      await db.store.groups.bindArea('zalo', 'zl-g1', 'kp1-to3');
    });

    const chats = async (userId: string, channel: 'telegram' | 'zalo' = 'telegram', joinCode?: string) =>
      (await audience().reachOf({ channel, userId, joinCode }))?.groups.map((g) => `${g.channel}:${g.chatId}`).sort() ?? null;

    it('an officer reaches the groups of their areas, a supervisor the whole ward, on running platforms only', async () => {
      expect(await chats('100000001')).toEqual(['telegram:-1001000000004', 'telegram:-100301', 'zalo:zl-g1']);
      expect(await chats('100000002')).toEqual(['telegram:-100302']);
      const ward = await audience().reachOf({ channel: 'telegram', userId: '100000003' });
      expect(ward?.role).toBe('supervisor');
      expect(ward?.groups.map((g) => g.chatId).sort()).toEqual(['-1001000000004', '-100301', '-100302', 'zl-g1']);
      expect(ward?.areas.map((a) => a.code)).toEqual(['phuong-sai-gon', 'kp1-to3', 'kp1-to4', 'kp2-to1']);
    });

    it('mediators, inactive officers and residents reach nothing; a superadmin reaches every active group', async () => {
      expect(await chats('100000004')).toBeNull();
      const officer = (await db.store.officers.byId('cskv-sg-02'))!;
      await db.store.officers.upsert({ ...officer, active: false });
      expect(await chats('100000002')).toBeNull();
      await db.store.officers.upsert(officer);
      expect(await chats('777')).toBeNull();
      expect(await chats('42')).toHaveLength(5);
    });

    it('a group admin reaches the groups Telegram says they administer, or an operator recorded', async () => {
      expect(await audience().noteGroupAdmin('telegram', '-100303', '55', 'Nhóm -100303')).toBe(false);
      telegramAdmins.add('-100303:55');
      expect(await audience().noteGroupAdmin('telegram', '-100303', '55', 'Nhóm -100303')).toBe(true);
      expect(await chats('55')).toEqual(['telegram:-100303']);
      // The group they joined by code is asked about too.
      const joined = (await db.store.groups.byChat('telegram', '-100302'))!;
      telegramAdmins.add('-100302:55');
      expect(await chats('55', 'telegram', joined.joinCode)).toEqual(['telegram:-100302', 'telegram:-100303']);
      // Removed as admin on Telegram: at once, nothing.
      telegramAdmins.clear();
      expect(await chats('55', 'telegram', joined.joinCode)).toBeNull();
      // Zalo cannot tell: only the operator's record counts.
      expect(await chats('zl-55', 'zalo')).toBeNull();
      await db.store.groupAdmins.add('zalo', 'zl-g1', 'zl-55', 'operator');
      expect(await chats('zl-55', 'zalo')).toEqual(['zalo:zl-g1']);
      await db.store.groups.setActive('zalo', 'zl-g1', false);
      expect(await chats('zl-55', 'zalo')).toBeNull();
    });
  });
});
