import { newCaseId } from '../../src/app/bot';
import { OutboxProducer } from '../../src/outbox/producer';
import { StoreDeskMessenger } from '../../src/features/officer-desk/adapters/desk-messenger';
import { startApp, testSettings, type AppHarness } from '../support/app-harness';
import { TelegramEmulator } from '../support/telegram-emulator';

/**
 * Messages to other chats (a resident's case update, a relayed question) are stored before they
 * are queued: asked for while no worker runs, they go out once a worker starts, and asking again
 * for the same notice, before or after it went out, never sends it twice.
 */
describe('stored notices', () => {
  let emu: TelegramEmulator;
  let bot: AppHarness;
  let worker: AppHarness | undefined;
  let queues: OutboxProducer;

  beforeAll(async () => {
    emu = new TelegramEmulator();
    await emu.start();
  });
  afterAll(async () => {
    await queues?.close();
    await worker?.close();
    await bot?.close();
    await emu?.stop();
  });

  it('survive a period without workers and are sent once however often they are asked for', async () => {
    const env = { ...testSettings(), TELEGRAM_BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot, TELEGRAM_CHAT_INTERVAL_MS: '0' };
    bot = await startApp(env, { roles: 'none' });
    const { store, box } = bot.rt;
    const caseId = newCaseId();
    await store.cases.insertIfAbsent({
      caseId,
      refCode: 'TB-2611-0777',
      kind: 'tip',
      category: 'theft',
      fields: {},
      attachments: [],
      anonymous: true,
      replyTo: { channel: 'telegram', chatIdEnc: box.seal('7000777') },
      lang: 'vi',
      areaCode: 'kp1-to3',
      submittedAt: new Date(),
    });
    queues = new OutboxProducer(bot.rt.queueRedis, { attempts: 3, backoffMs: 100 });
    const messenger = new StoreDeskMessenger(store, new Set(['telegram']), queues);
    const render = () => [{ text: 'Tin báo TB-2611-0777 của bạn đã được tiếp nhận' }];
    await messenger.toReporter(caseId, `n.${caseId}.ack`, render);
    await messenger.toReporter(caseId, `n.${caseId}.ack`, render);
    await messenger.toOfficer('cskv-sg-01', `n.${caseId}.esc.1`, () => [
      { text: 'CHUYỂN CẤP 1 · TB-2611-0777', options: [{ id: `case:ack:${caseId}`, label: 'OK' }] },
    ]);
    const stored = await store.notices.forCase(caseId);
    expect(stored.map((n) => [n.noticeId, n.status, n.chatId ?? 'sealed'])).toEqual([
      [`n.${caseId}.ack`, 'pending', 'sealed'],
      [`n.${caseId}.esc.1.cskv-sg-01.telegram`, 'pending', '100000001'],
    ]);
    // The resident's chat is stored sealed, never in clear.
    expect(JSON.stringify(stored)).not.toContain('7000777');

    worker = await startApp(env, { roles: 'worker', seed: false, fresh: false });
    await emu.waitFor((m) => m.chat_id === '7000777' && (m.text ?? '').includes('đã được tiếp nhận'));
    const esc = await emu.waitFor((m) => m.chat_id === '100000001' && (m.text ?? '').includes('CHUYỂN CẤP 1'));
    expect(esc.reply_markup).toEqual({ inline_keyboard: [[{ text: 'OK', callback_data: `case:ack:${caseId}` }]] });
    for (;;) {
      const ns = await store.notices.forCase(caseId);
      if (ns.every((n) => n.status === 'sent')) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    // Asked for again after it went out (a retried action): the row says sent, nothing is sent.
    await messenger.toReporter(caseId, `n.${caseId}.ack`, render);
    await messenger.toReporter(caseId, `n.${caseId}.closed`, () => [{ text: 'Tin báo TB-2611-0777 đã được xử lý xong' }]);
    await emu.waitFor((m) => m.chat_id === '7000777' && (m.text ?? '').includes('xử lý xong'));
    expect(emu.sent('7000777').map((m) => m.text)).toEqual([
      'Tin báo TB-2611-0777 của bạn đã được tiếp nhận',
      'Tin báo TB-2611-0777 đã được xử lý xong',
    ]);
  });
});
