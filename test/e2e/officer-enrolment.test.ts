import { execFile } from 'node:child_process';
import path from 'node:path';
import { inviteCodeHash } from '../../src/domain/invite-code';
import type { AppHarness } from '../support/app-harness';
import { chatReader } from '../support/telegram-chat';
import { startTelegramApp } from '../support/telegram-app';
import type { SentMessage, TelegramEmulator } from '../support/telegram-emulator';

/**
 * Officer self-enrolment (issue 16): an operator makes a one-time invite with `scripts/admin
 * invite-officer` (the same entry as `docker compose run --rm bot admin …`); the officer sends
 * `/dangky CODE` to the bot in a private chat on Telegram and their chat is recorded, so alerts
 * reach it. A code works once, not after it expires, and not in a group.
 */
const root = path.join(__dirname, '..', '..');
const OFFICER_CHAT = 7001;
const text = (m: SentMessage) => m.text ?? '';
let emu: TelegramEmulator;
let app: AppHarness;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ emu, app, stop } = await startTelegramApp());
});

afterAll(async () => {
  await stop?.();
});

function admin(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'src', 'main.ts'), 'admin', ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', MONGODB_URI: app.rt.config.mongodbUri }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const t = (key: string, params?: Record<string, unknown>) => app.rt.t('vi', key, params);

it('an invited officer sends /dangky CODE in a private chat and their chat is recorded; the code works once', async () => {
  const made = await admin(['invite-officer', '--id', 'cskv-new-01', '--name', 'Trần Văn Mới', '--role', 'officer', '--areas', 'kp1-to3']);
  expect(made.code).toBe(0);
  const code = /invite code: ([A-Z2-9]{12})/.exec(made.out)![1];
  expect(made.out).toContain(`/dangky ${code}`);
  // Only the code's hash is stored.
  const stored = await app.rt.db.collection('officer_invites').find({}).toArray();
  expect(stored.map((i) => i.codeHash)).toEqual([inviteCodeHash(code)]);
  expect(JSON.stringify(stored)).not.toContain(code);

  const chat = chatReader(emu, OFFICER_CHAT);
  const officer = emu.user(OFFICER_CHAT, { firstName: 'Mới' });
  // Typed as people copy a code: lower case, with a space.
  officer.sendText(OFFICER_CHAT, `/dangky ${code.slice(0, 6).toLowerCase()} ${code.slice(6)}`);
  expect(text(await chat.next())).toBe(t('enrolment.done', { name: 'Trần Văn Mới' }));
  const enrolled = await app.rt.store.officers.byChat('telegram', String(OFFICER_CHAT));
  expect(enrolled).toMatchObject({ officerId: 'cskv-new-01', active: true, areaCodes: ['kp1-to3'] });

  // Spent: a second use (by anyone) is refused, and the officer's chat stays theirs.
  emu.user(7002).sendText(7002, `/dangky ${code}`);
  expect(text(await chatReader(emu, 7002).next())).toBe(t('enrolment.invalid'));
  expect(await app.rt.store.officers.byChat('telegram', '7002')).toBeNull();
});

it('refuses an expired code, a missing one, and any code typed in a group', async () => {
  await app.rt.store.officerInvites.replace('cskv-sg-02', inviteCodeHash('EXPIRED2345A'), new Date(Date.now() - 1000));
  emu.user(7003).sendText(7003, '/dangky EXPIRED2345A');
  expect(text(await chatReader(emu, 7003).next())).toBe(t('enrolment.invalid'));
  emu.user(7003).sendText(7003, '/dangky');
  expect(text(await chatReader(emu, 7003).next((m) => text(m) === t('enrolment.usage')))).toBe(t('enrolment.usage'));

  const GROUP = -1001000000888;
  const admin1 = emu.user(900, { firstName: 'Tổ trưởng' });
  admin1.addBotToGroup(GROUP, 'Nhóm thử');
  const group = chatReader(emu, GROUP);
  await group.next();
  emu.user(7004).sendText(GROUP, '/dangky ABCDEFGH2345');
  await group.next((m) => text(m) === t('enrolment.privateOnly'));
});
