import { BroadcastFeature } from '../../src/features/broadcast/broadcast-feature';
import {
  BroadcastUnavailableError,
  type BroadcastAudience,
  type BroadcastDesk,
  type BroadcastProgress,
  type BroadcastSummary,
  type NewBroadcast,
  type Reach,
} from '../../src/features/broadcast/ports';
import { ADVISORY_IDS, broadcastParts } from '../../src/features/broadcast/render';
import { createTranslator, readLocale } from '../../src/i18n/translator';
import { allText, ids, last, memoryBot } from '../support/memory-ports';

/**
 * The broadcast conversation message by message, over in-memory ports (the e2e and integration
 * tests run it on Redis, the database, BullMQ and Telegram): typed numbers as on Zalo and the
 * console, bad input, cancel, a desk that is down, and words that read as an emergency.
 */
const t = createTranslator();

class MemoryDesk implements BroadcastDesk {
  readonly submitted: NewBroadcast[] = [];
  down = false;
  async submit(b: NewBroadcast) {
    if (this.down) throw new BroadcastUnavailableError();
    if (!this.submitted.some((s) => s.broadcastId === b.broadcastId)) this.submitted.push(b);
  }
  async scheduled(): Promise<BroadcastSummary[]> {
    return this.submitted
      .filter((b) => b.scheduledFor)
      .map((b) => ({
        broadcastId: b.broadcastId,
        audienceLabel: b.audienceLabel,
        groups: b.targets.length,
        text: b.text,
        scheduledFor: b.scheduledFor,
        createdAt: new Date(),
      }));
  }
  async running(): Promise<BroadcastProgress[]> {
    return [];
  }
  async cancel() {
    return 'not-found' as const;
  }
}

const REACH: Reach = {
  role: 'officer',
  officerId: 'cskv-1',
  senderName: 'Thiếu úy Khoa',
  groups: [
    { channel: 'console', chatId: 'g1', title: 'Tổ 3', areaCode: 'kp1-to3' },
    { channel: 'console', chatId: 'g2', title: 'Tổ 4', areaCode: 'kp1-to4' },
  ],
  areas: [{ code: 'kp1-to3', name: 'Khu phố 1 – Tổ 3', groupKeys: ['console:g1'] }],
};

function setup() {
  const desk = new MemoryDesk();
  let reach: Reach | null = REACH;
  const audience: BroadcastAudience = {
    async reachOf({ userId }) {
      return userId === 'officer' ? reach : null;
    },
    async noteGroupAdmin() {
      return false;
    },
  };
  let n = 0;
  let now = Date.UTC(2026, 10, 22, 3, 0, 0);
  const feature = new BroadcastFeature({
    t,
    audience,
    desk,
    newId: () => `bc-${++n}`,
    idleMs: 30 * 60_000,
    maxBodyLength: 500,
    clock: () => now,
    log: () => undefined,
  });
  const bot = memoryBot({ features: [feature], clock: () => now });
  const officer = bot.person('officer');
  // Broadcasts being written: conversations held by 'broadcast' in any chat's slot.
  const drafts = {
    get size() {
      return [...bot.slots.map.values()].filter((v) => [v.active, v.waiting].some((h) => h?.owner === 'broadcast')).length;
    },
  };
  return { ...bot, drafts, desk, officer, setReach: (r: Reach | null) => (reach = r), advance: (ms: number) => (now += ms) };
}

describe('broadcast conversation', () => {
  it('goes all the way with typed numbers and words, as on Zalo and the console', async () => {
    const { officer, desk } = setup();
    const audience = last(await officer.say('/thongbao'));
    expect(audience.text).toBe(t('vi', 'broadcast.pickAudience'));
    expect(audience.options!.map((o) => o.label)).toEqual([
      t('vi', 'broadcast.audience.all', { count: 2 }),
      t('vi', 'broadcast.audience.area', { name: 'Khu phố 1 – Tổ 3', count: 1 }),
      '👥 Tổ 3',
      '👥 Tổ 4',
      t('vi', 'nav.cancel'),
    ]);
    expect(last(await officer.say('2')).text).toBe(t('vi', 'broadcast.pickContent'));
    expect(last(await officer.say('tu soan')).text).toBe(t('vi', 'broadcast.compose', { max: 500 }));
    expect(allText(await officer.say('ngắn'))).toContain(t('vi', 'broadcast.tooShort'));
    expect(allText(await officer.say('x'.repeat(501)))).toContain(t('vi', 'broadcast.tooLong', { length: 501, max: 500 }));
    const preview = await officer.say('Chủ nhật này 7h tổng vệ sinh đường phố, mời bà con tham gia.');
    expect(preview[0].text).toBe(t('vi', 'broadcast.previewTitle', { label: 'Khu phố 1 – Tổ 3', count: 1 }));
    expect(preview[1].text).toBe(
      `${t('vi', 'broadcast.header.officer', { name: 'Thiếu úy Khoa' })}\n\nChủ nhật này 7h tổng vệ sinh đường phố, mời bà con tham gia.\n\n${t('vi', 'broadcast.footer')}`,
    );
    expect(ids(last(preview))).toEqual(['bc:send', 'bc:when', 'bc:edit', 'bc:cancel']);
    expect(last(await officer.say('2')).text).toBe(t('vi', 'broadcast.askWhen'));
    expect(allText(await officer.say('hôm qua'))).toContain(t('vi', 'broadcast.when.format'));
    expect(allText(await officer.say('22/11 9:00'))).toContain(t('vi', 'broadcast.when.past'));
    const done = await officer.say('mai 8h');
    expect(done[0].text).toBe(t('vi', 'broadcast.scheduledOk', { time: '08:00 23/11/2026', count: 1 }));
    expect(desk.submitted).toEqual([
      expect.objectContaining({
        broadcastId: 'bc-1',
        audienceLabel: 'Khu phố 1 – Tổ 3',
        targets: [{ channel: 'console', chatId: 'g1', title: 'Tổ 3' }],
        text: preview[1].text,
        scheduledFor: new Date('2026-11-23T01:00:00Z'),
      }),
    ]);
  });

  it('offers every library advisory, in both languages', async () => {
    const { officer } = setup();
    await officer.say('/thongbao');
    const content = last(await officer.say('1'));
    expect(ids(content)).toEqual([...ADVISORY_IDS.map((id) => `bc:lib:${id}`), 'bc:write', 'bc:back', 'bc:cancel']);
    for (const lang of ['vi', 'en'] as const) {
      const library = (readLocale(lang).broadcast as { library: Record<string, { title: string; text: string }> }).library;
      expect(Object.keys(library).sort()).toEqual([...ADVISORY_IDS].sort());
      for (const id of ADVISORY_IDS) expect(library[id].text.length).toBeLessThan(900);
    }
    const preview = await officer.tap('bc:lib:drugs');
    expect(preview[1].text).toContain(t('vi', 'broadcast.library.drugs.text'));
  });

  it('keeps an advisory about fire for the broadcast, with the emergency numbers first', async () => {
    const { officer, desk } = setup();
    await officer.say('/thongbao');
    await officer.tap('bc:aud:0');
    await officer.tap('bc:write');
    const replies = await officer.say('Đang có đám cháy ở hẻm 12 do sạc xe điện. Bà con tránh xa khu vực, không sạc xe qua đêm.');
    expect(replies[0].text).toContain(t('vi', 'emergency.numbers'));
    expect(last(replies).text).toBe(t('vi', 'broadcast.confirm'));
    await officer.tap('bc:send');
    expect(desk.submitted[0].text).toContain('đám cháy ở hẻm 12');
    // A fire that is over ("đêm qua") is an advisory, not an emergency: no numbers before it.
    await officer.say('/thongbao');
    await officer.tap('bc:aud:0');
    await officer.tap('bc:write');
    const past = await officer.say('Đêm qua có đám cháy ở hẻm 12 do sạc xe điện. Bà con không sạc xe qua đêm.');
    expect(allText(past)).not.toContain(t('vi', 'emergency.numbers'));
  });

  it('a photo first, then the text; other media are refused', async () => {
    const { officer, desk } = setup();
    await officer.say('/thongbao');
    await officer.tap('bc:aud:2');
    await officer.tap('bc:write');
    expect(allText(await officer.send({ attachments: [{ kind: 'video', ref: 'v1' }] }))).toContain(t('vi', 'broadcast.photoOnly'));
    expect(last(await officer.send({ attachments: [{ kind: 'photo', ref: 'p1' }] })).text).toBe(
      t('vi', 'broadcast.composeText', { max: 500 }),
    );
    const preview = await officer.say('Ảnh đối tượng trộm xe đêm qua, ai nhận ra báo CSKV.');
    expect(preview[1].attachments).toEqual([{ kind: 'photo', ref: 'p1' }]);
    await officer.tap('bc:send');
    expect(desk.submitted[0]).toMatchObject({ photo: 'p1', targets: [{ chatId: 'g1' }] });
  });

  it('/huy cancels; another command leaves the broadcast for what was asked', async () => {
    const { officer, drafts } = setup();
    await officer.say('/thongbao');
    expect(allText(await officer.say('/huy'))).toContain(t('vi', 'broadcast.cancelled'));
    expect(drafts.size).toBe(0);
    await officer.say('/thongbao');
    expect(allText(await officer.say('/baotin'))).toContain(t('vi', 'tip.intro'));
    expect(drafts.size).toBe(0);
    expect(allText(await officer.tap('bc:aud:0'))).toContain(t('vi', 'broadcast.expired'));
    await officer.say('/huy');
    await officer.say('/thongbao');
    expect(allText(await officer.tap('menu:mediation'))).toContain(t('vi', 'mediation.intro'));
    expect(drafts.size).toBe(0);
  });

  it('keeps the draft when the desk is down, and a second press is the same broadcast', async () => {
    const { officer, desk } = setup();
    await officer.say('/thongbao');
    await officer.tap('bc:aud:0');
    await officer.tap('bc:lib:fire');
    desk.down = true;
    const failed = await officer.tap('bc:send');
    expect(failed[0].text).toBe(t('vi', 'broadcast.unavailable'));
    expect(ids(last(failed))).toContain('bc:send');
    desk.down = false;
    expect((await officer.tap('bc:send'))[0].text).toBe(t('vi', 'broadcast.sending', { count: 2 }));
    expect(desk.submitted.map((b) => b.broadcastId)).toEqual(['bc-1']);
  });

  it('refuses a stale button, forgets an idle draft, and rechecks who may send at the end', async () => {
    const { officer, desk, setReach, advance } = setup();
    await officer.say('/thongbao');
    expect(allText(await officer.tap('bc:send'))).toContain(t('vi', 'flow.staleButton'));
    advance(31 * 60_000);
    expect(allText(await officer.tap('bc:aud:0'))).toContain(t('vi', 'broadcast.expired'));
    await officer.say('/thongbao');
    await officer.tap('bc:aud:3');
    await officer.tap('bc:lib:traffic');
    setReach({ ...REACH, groups: REACH.groups.slice(0, 1) });
    expect(allText(await officer.tap('bc:send'))).toContain(t('vi', 'broadcast.noGroups'));
    setReach(null);
    expect(allText(await officer.say('/thongbao'))).toContain(t('vi', 'broadcast.notAllowed'));
    expect(desk.submitted).toEqual([]);
  });
});

describe('what a group receives', () => {
  it('a photo carries the text as its caption when it fits, else the text follows it', () => {
    expect(broadcastParts({ text: 'Ngắn' })).toEqual([{ text: 'Ngắn' }]);
    expect(broadcastParts({ text: 'Ngắn', photo: 'p' })).toEqual([{ text: 'Ngắn', attachments: [{ kind: 'photo', ref: 'p' }] }]);
    const long = '🔥'.repeat(600);
    expect(broadcastParts({ text: long, photo: 'p' })).toEqual([{ text: '', attachments: [{ kind: 'photo', ref: 'p' }] }, { text: long }]);
  });
});

describe('the scheduled list', () => {
  it('names what each option cancels, and closing the list keeps the schedules', async () => {
    const { officer, desk } = setup();
    await officer.say('/thongbao');
    await officer.say('1');
    await officer.say('1');
    await officer.say('2');
    await officer.say('mai 8h');
    expect(desk.submitted).toHaveLength(1);
    await officer.say('/thongbao');
    const audience = last(await officer.say('/thongbao'));
    const listPick = audience.options!.find((o) => o.id === 'bc:list')!;
    const list = last(await officer.tap(listPick.id));
    const labels = list.options!.map((o) => o.label);
    // No "Cancel no. 1" beside a bare "Cancel": numbered on Zalo, those read as the same thing.
    expect(labels[0]).toBe(t('vi', 'broadcast.cancelOne', { n: 1, time: '08:00 23/11/2026' }));
    expect(labels[0]).not.toMatch(/số 1/);
    expect(labels[labels.length - 1]).toBe(t('vi', 'broadcast.closeList'));
    const closed = await officer.say('/huy');
    expect(allText(closed)).toContain(t('vi', 'broadcast.listClosed'));
    expect(allText(closed)).not.toContain(t('vi', 'broadcast.cancelled'));
    expect(await desk.scheduled()).toHaveLength(1);
  });
});
