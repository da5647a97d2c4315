import { startApp, type AppHarness } from '../support/app-harness';
import { ZaloEmulator, type SentRecord } from '../support/zalo-emulator';

/**
 * Broadcasts on Zalo: an officer who uses Zalo links a Zalo group to his area, then sends an
 * advisory from the library by typing numbers and words (Zalo has no buttons); the group
 * receives it once through the Zalo outbox and the officer gets the delivery report.
 */
describe('broadcast on Zalo', () => {
  let emu: ZaloEmulator;
  let h: AppHarness;
  const OFFICER = 'zl-officer-cskv-1';
  const GROUP = 'zl-group-kp1-to3';

  beforeAll(async () => {
    emu = new ZaloEmulator();
    await emu.start();
    h = await startApp({
      ZALO_BOT_TOKEN: emu.token,
      ZALO_API_BASE: emu.apiBase,
      ZALO_RATE_PER_SECOND: '20',
      FLOOD_MESSAGES_PER_10S: '200',
    });
  });
  afterAll(async () => {
    await h?.close();
    await emu?.stop();
  });

  const content = (r: SentRecord) => r.text ?? r.caption ?? '';
  let n = 0;
  const inGroup = (text: string) =>
    emu.pushRaw({
      event_name: 'message.text.received',
      message: {
        message_id: `grp${++n}`,
        date: Date.now(),
        chat: { id: GROUP, chat_type: 'GROUP' },
        from: { id: OFFICER, display_name: 'CSKV' },
        text,
      },
    });
  async function officerSays(text: string, until: string): Promise<string> {
    const seen = new Set(emu.sent(OFFICER).map((r) => r.messageId));
    await emu.user(OFFICER, 'CSKV').sendText(text);
    await emu.waitFor((r) => r.chatId === OFFICER && !seen.has(r.messageId) && content(r).includes(until), 10_000);
    return emu
      .sent(OFFICER)
      .filter((r) => !seen.has(r.messageId))
      .map(content)
      .join('\n');
  }

  it('links a Zalo group, sends a library advisory to it by typed answers, and reports delivery', async () => {
    const t = (key: string, p?: Record<string, unknown>) => h.rt.t('vi', key, p);
    await inGroup('/start');
    await emu.waitFor((r) => r.chatId === GROUP && content(r).includes(t('group.howToByCode')), 10_000);
    await inGroup('/khuvuc kp1-to3');
    await emu.waitFor((r) => r.chatId === GROUP && content(r).includes(t('group.bind.bound', { area: 'kp1-to3' })), 10_000);

    const audience = await officerSays('/thongbao', t('broadcast.pickAudience'));
    // Zalo gives no group title, so the group is listed by its id; its number picks it.
    const line = audience.split('\n').find((l) => /^\d+\. 👥/.test(l) && l.includes(GROUP));
    expect(line).toBeDefined();
    await officerSays(line!.split('.')[0], t('broadcast.pickContent'));
    const library = await officerSays('canh giac lua dao', t('broadcast.library.scam.text').split('\n')[0]);
    expect(library).toContain(t('broadcast.library.scam.text').split('\n')[0]);
    await officerSays('1', t('broadcast.report.title', { label: '' }).split('“')[0]);

    const delivered = emu.sent(GROUP).filter((r) => content(r).includes(t('broadcast.library.scam.text').split('\n')[0]));
    expect(delivered).toHaveLength(1);
    for (const r of emu.sent(GROUP)) expect(content(r).length).toBeLessThanOrEqual(2000);
  });
});
