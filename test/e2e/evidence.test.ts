import type { mongo } from 'mongoose';
import { EvidenceLinks } from '../../src/domain/evidence-link';
import type { Lang } from '../../src/conversations/messages';
import { startApp, TEST_HASH, type AppHarness } from '../support/app-harness';
import { freePort } from '../support/own-services';
import { EXIF_WORDS, sampleAac, sampleJpeg, strippedJpeg } from '../support/sample-media';
import { chatReader } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';
import { ZaloEmulator, type EmulatedUser, type SentRecord } from '../support/zalo-emulator';

/**
 * The evidence store end to end (issue 15), one app on both platforms with real Redis and the real
 * database: a Zalo resident's photo and voice note are fetched when they arrive, before Zalo's links
 * expire; the case refers to our copies only; the Telegram officer gets the photo uploaded from our
 * copy (stripped of EXIF) and the Zalo officer a signed link to it on our server, which Zalo fetches.
 * The database holds ciphertext only. A file past the cap gets a polite message, and the draft goes on.
 */

const TG_OFFICER = '100000001';
const ZALO_OFFICER = 'zl-officer-cskv-1';
const MAX_BYTES = 64 * 1024;

let tg: TelegramEmulator;
let zalo: ZaloEmulator;
let h: AppHarness;
let base: string;

beforeAll(async () => {
  tg = new TelegramEmulator();
  zalo = new ZaloEmulator();
  await Promise.all([tg.start(), zalo.start()]);
  // Zalo must reach our server by a public URL: here, the port the app will listen on.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  h = await startApp({
    TELEGRAM_BOT_TOKEN: tg.token,
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    ZALO_BOT_TOKEN: zalo.token,
    ZALO_API_BASE: zalo.apiBase,
    ZALO_RATE_PER_SECOND: '20',
    FLOOD_MESSAGES_PER_10S: '200',
    HTTP_PORT: String(port),
    PUBLIC_BASE_URL: base,
    EVIDENCE_MAX_BYTES: String(MAX_BYTES),
  });
  await tg.waitForCall('getUpdates');
});

afterAll(async () => {
  await h?.close();
  await Promise.all([tg?.stop(), zalo?.stop()]);
});

const t = (key: string, params?: Record<string, unknown>, lang: Lang = 'vi') => h.rt.t(lang, key, params);
const content = (r: SentRecord) => r.text ?? r.caption ?? '';

async function say(user: EmulatedUser, send: () => Promise<unknown>, until: string | RegExp): Promise<SentRecord[]> {
  const seen = new Set(zalo.sent(user.id).map((r) => r.messageId));
  const matches = (s: string) => (typeof until === 'string' ? s.includes(until) : until.test(s));
  await send();
  await zalo.waitFor((r) => r.chatId === user.id && !seen.has(r.messageId) && matches(content(r)), 10_000);
  return zalo.sent(user.id).filter((r) => !seen.has(r.messageId));
}
const text = (user: EmulatedUser, words: string, until: string | RegExp) => say(user, () => user.sendText(words), until);

/** A Zalo resident's tip up to its media step. */
async function zaloTipToMedia(user: EmulatedUser): Promise<void> {
  await text(user, 'KP1TO3', t('menu.title'));
  await text(user, '1', t('tip.category'));
  await text(user, 'trom cap', t('tip.what'));
  await text(user, 'Hai người lạ bẻ khóa xe máy trước nhà', t('tip.where'));
  await text(user, 'Đầu hẻm 45 Lê Lợi', t('tip.when'));
  await text(user, t('when.now'), t('tip.media'));
}

async function zaloConfirm(user: EmulatedUser): Promise<string> {
  await text(user, '1', t('tip.identity'));
  await text(user, 'an danh', t('flow.confirm'));
  const received = await text(user, '1', /TB-\d{4}-\d{4,}/);
  return /TB-\d{4}-\d{4,}/.exec(received.map(content).join('\n'))![0];
}

const uploadOf = (fileId: string | undefined) => tg.uploads.find((u) => u.file_id === fileId);

describe('evidence store', () => {
  it("keeps a Zalo resident's photo and voice note before the links expire, and both officers get our stripped copy", async () => {
    const user = zalo.user('zl-evidence-1');
    const photo = sampleJpeg(11);
    const voice = sampleAac();
    const photoUrl = zalo.hostMedia(photo, 'jpg');
    const voiceUrl = zalo.hostMedia(voice, 'aac');
    await zaloTipToMedia(user);
    await say(user, () => user.sendImage(photoUrl), t('flow.mediaReceived', { count: 1 }));
    await say(user, () => user.sendVoice(voiceUrl), t('flow.mediaReceived', { count: 2 }));
    // Fetched once each, at once; from now on Zalo's links are dead.
    expect(zalo.mediaFetches).toBe(2);
    zalo.expireMedia(photoUrl, voiceUrl);
    expect((await fetch(photoUrl)).status).toBe(404);
    const code = await zaloConfirm(user);

    // Telegram officer: the photo uploaded (multipart) from our copy, EXIF gone; the AAC voice note as a file.
    const officer = chatReader(tg, TG_OFFICER);
    const sentPhoto = await officer.next((m) => m.method === 'sendPhoto' && (m.caption ?? '').includes(code), 30_000);
    const photoUpload = uploadOf(sentPhoto.photo);
    expect(photoUpload?.data.equals(strippedJpeg(11))).toBe(true);
    for (const word of Object.values(EXIF_WORDS)) expect(photoUpload!.data.includes(word)).toBe(false);
    expect(photoUpload!.filename).toBe('photo.jpg');
    const sentVoice = await officer.next((m) => m.method === 'sendDocument' && (m.caption ?? '').includes(code));
    expect(uploadOf(sentVoice.document)).toMatchObject({ filename: 'voice.aac', data: voice });

    // The case names our copies only: no Zalo link, no file name.
    // Stored by the intake worker before any alert went out.
    const stored = await h.rt.store.cases.byRefCode(code);
    expect(stored!.attachments).toEqual([
      { kind: 'photo', ref: expect.stringMatching(/^evidence:[A-Za-z0-9_-]{16,}$/) },
      { kind: 'voice', ref: expect.stringMatching(/^evidence:[A-Za-z0-9_-]{16,}$/) },
    ]);
    expect(JSON.stringify(stored)).not.toContain('/media/');
    const [photoId, voiceId] = stored!.attachments.map((a) => a.ref.slice('evidence:'.length));

    // Zalo officer: sendPhoto with a signed link to our server, which served the stripped photo to Zalo.
    const zaloPhoto = await zalo.waitFor((r) => r.chatId === ZALO_OFFICER && r.method === 'sendPhoto' && content(r).includes(code), 30_000);
    expect(zaloPhoto.photo).toMatch(new RegExp(`^${base}/evidence/${photoId}\\?exp=\\d+&sig=[A-Za-z0-9_-]+$`));
    expect(zaloPhoto.photoBytes?.equals(strippedJpeg(11))).toBe(true);
    // The voice note as a line with its own signed link, which serves it.
    const voiceLine = await zalo.waitFor((r) => r.chatId === ZALO_OFFICER && content(r).includes(`${base}/evidence/${voiceId}?`));
    const voiceLink = /http:\/\/\S+/.exec(content(voiceLine))![0];
    const served = await fetch(voiceLink);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('audio/aac');
    expect(served.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await served.arrayBuffer()).equals(voice)).toBe(true);
    // A link is good for its own file and expiry only.
    expect((await fetch(zaloPhoto.photo!.replace(/sig=[^&]+/, 'sig=AAAAAAAAAAAAAAAAAAAAAA'))).status).toBe(404);
    expect((await fetch(zaloPhoto.photo!.replace(photoId, voiceId))).status).toBe(404);
    const lapsed = new EvidenceLinks(TEST_HASH, base, -1000).url(photoId);
    expect((await fetch(lapsed)).status).toBe(404);
    expect(zalo.mediaFetches).toBe(3); // the one fetch of ours above, after the two at arrival

    // At rest: ciphertext, in chunks; nothing of the JPEG (markers, EXIF words) and no file name.
    const chunks = await h.rt.db
      .collection<{ evidenceId: string; data: mongo.Binary }>('evidence_chunks')
      .find({ evidenceId: { $in: [photoId, voiceId] } })
      .toArray();
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    const atRest = Buffer.concat(chunks.map((c) => Buffer.from(c.data.buffer)));
    expect(atRest.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(atRest.includes('JFIF')).toBe(false);
    expect(atRest.includes(Buffer.from(voice.subarray(0, 7)))).toBe(false);
    for (const word of Object.values(EXIF_WORDS)) expect(atRest.includes(word)).toBe(false);
    const files = await h.rt.db
      .collection('evidence')
      .find({ _id: { $in: [photoId, voiceId] } as never })
      .toArray();
    expect(files.map((f) => Object.keys(f).sort())).toEqual([
      ['_id', 'chunks', 'kind', 'mime', 'size', 'storedAt'],
      ['_id', 'chunks', 'kind', 'mime', 'size', 'storedAt'],
    ]);
  });

  it('deletes the files kept for a draft when the resident cancels it (/huy) or starts over', async () => {
    const files = h.rt.db.collection('evidence');
    const chunks = h.rt.db.collection('evidence_chunks');
    const user = zalo.user('zl-evidence-cancel');
    await zaloTipToMedia(user);
    const before = await files.countDocuments({});
    await say(user, () => user.sendImage(zalo.hostMedia(sampleJpeg(21), 'jpg')), t('flow.mediaReceived', { count: 1 }));
    await say(user, () => user.sendVoice(zalo.hostMedia(sampleAac(), 'aac')), t('flow.mediaReceived', { count: 2 }));
    const kept = (await files.find({}).toArray()).map((f) => String(f._id)).slice(before);
    expect(kept).toHaveLength(2);
    await text(user, '/huy', t('flow.cancelled'));
    expect(await files.countDocuments({ _id: { $in: kept } as never })).toBe(0);
    expect(await chunks.countDocuments({ evidenceId: { $in: kept } })).toBe(0);
    expect(h.logs.some((l) => l.includes('"msg":"evidence.discarded"') && l.includes('"files":2'))).toBe(true);

    // Starting over from "continue or start over?" drops the draft's file as well.
    await zaloTipToMedia(user);
    await say(user, () => user.sendImage(zalo.hostMedia(sampleJpeg(22), 'jpg')), t('flow.mediaReceived', { count: 1 }));
    const second = (await files.find({}).toArray()).map((f) => String(f._id)).slice(before);
    expect(second).toHaveLength(1);
    await text(user, '/menu', t('draft.unfinished.tip'));
    await text(user, '2', t('draft.discarded'));
    expect(await files.countDocuments({ _id: { $in: second } as never })).toBe(0);
  });

  it('answers a file past the cap with a polite message, and the draft goes on', async () => {
    const user = zalo.user('zl-evidence-2');
    await zaloTipToMedia(user);
    const big = zalo.hostMedia(sampleJpeg(12, MAX_BYTES + 1), 'jpg');
    const replies = await say(user, () => user.sendImage(big), t('tip.media'));
    expect(replies.map(content).join('\n')).toContain(t('evidence.tooLarge', { max: '64 KB' }));
    // A link that already expired is not evidence either: the resident is asked to send it again.
    const gone = zalo.hostMedia(sampleJpeg(13), 'jpg');
    zalo.expireMedia(gone);
    expect((await say(user, () => user.sendImage(gone), t('tip.media'))).map(content).join('\n')).toContain(t('evidence.unavailable'));
    const small = zalo.hostMedia(sampleJpeg(14), 'jpg');
    await say(user, () => user.sendImage(small), t('flow.mediaReceived', { count: 1 }));
    const code = await zaloConfirm(user);
    await zalo.waitFor((r) => r.chatId === ZALO_OFFICER && r.method === 'sendPhoto' && content(r).includes(code), 30_000);
    expect((await h.rt.store.cases.byRefCode(code))!.attachments).toHaveLength(1);
  });

  it("sends a Telegram resident's photo to the Zalo officer from our copy, the other way round", async () => {
    const resident = tg.user(7701, { firstName: 'Cư dân' });
    const chat = chatReader(tg, 7701);
    tg.hostFile('AgACAgUAAxkBAAIB-evidence-photo', sampleJpeg(21), 'photos/file_99.jpg');
    resident.sendText(7701, '/baotin');
    await chat.next((m) => (m.text ?? '').includes(t('flow.joinCode').slice(0, 20)));
    resident.sendText(7701, 'KP1TO3');
    resident.pressButton(await chat.question(t('tip.category').slice(0, 15)), 'category:theft');
    await chat.next((m) => (m.text ?? '').includes(t('tip.what').slice(0, 15)));
    resident.sendText(7701, 'Có người lạ cạy cửa nhà số 12 lúc nửa đêm');
    await chat.next((m) => (m.text ?? '').includes(t('tip.where').slice(0, 10)));
    resident.sendText(7701, 'Hẻm 45 Lê Lợi');
    resident.pressButton(await chat.question(t('tip.when').slice(0, 10)), 'when:now');
    await chat.question(t('tip.media').slice(0, 10));
    // Past the cap on Telegram too: getFile's size says so before any download.
    tg.hostFile('AgACAgUAAxkBAAIB-too-big', sampleJpeg(22, MAX_BYTES + 10), 'photos/file_98.jpg');
    resident.sendPhoto(7701, 'AgACAgUAAxkBAAIB-too-big');
    await chat.next((m) => m.text === t('evidence.tooLarge', { max: '64 KB' }));
    expect(tg.calls.download ?? 0).toBe(0);
    resident.sendPhoto(7701, 'AgACAgUAAxkBAAIB-evidence-photo');
    resident.pressButton(await chat.question(t('flow.mediaReceived', { count: 1 }).slice(0, 12)), 'nav:done');
    resident.pressButton(await chat.question(t('tip.identity').slice(0, 10)), 'identity:anonymous');
    resident.pressButton(await chat.question(t('flow.confirm').slice(0, 10)), 'nav:confirm');
    const received = await chat.next((m) => /TB-\d{4}-\d{4,}/.test(m.text ?? ''));
    const code = /TB-\d{4}-\d{4,}/.exec(received.text!)![0];
    expect(tg.calls.getFile).toBeGreaterThanOrEqual(1);

    const zaloPhoto = await zalo.waitFor((r) => r.chatId === ZALO_OFFICER && r.method === 'sendPhoto' && content(r).includes(code), 30_000);
    expect(zaloPhoto.photo).toMatch(new RegExp(`^${base}/evidence/`));
    expect(zaloPhoto.photoBytes?.equals(strippedJpeg(21))).toBe(true);
    // The Telegram officer gets the same copy uploaded, not the resident's file_id re-sent.
    const officer = chatReader(tg, TG_OFFICER);
    const sent = await officer.next((m) => m.method === 'sendPhoto' && (m.caption ?? '').includes(code), 30_000);
    expect(sent.photo).not.toBe('AgACAgUAAxkBAAIB-evidence-photo');
    expect(uploadOf(sent.photo)?.data.equals(strippedJpeg(21))).toBe(true);
    // The officer's /xem shows the case again with its media: the bot's own reply uploads our copy too.
    tg.user(Number(TG_OFFICER)).sendText(Number(TG_OFFICER), `/xem ${code}`);
    const again = await officer.next((m) => m.method === 'sendPhoto' && (m.caption ?? '').includes(code));
    expect(again.photo).not.toBe(sent.photo);
    expect(uploadOf(again.photo)?.data.equals(strippedJpeg(21))).toBe(true);
  });
});
