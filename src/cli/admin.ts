/**
 * Operator commands for the directory (areas, officers and groups) and for a resident's erasure
 * request made at the ward office, and the contact key's rotation. Run through scripts/admin; reads
 * MONGODB_URI (erase-user also REDIS_URL and KEY_HMAC_SECRET; rotate-key REDIS_URL and the contact
 * keys). `scripts/admin help` prints the usage.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Connection } from 'mongoose';
import { parseBoundary } from '../domain/area-boundary';
import { CHANNEL_NAMES } from '../domain/chat';
import { KeyedHash } from '../domain/keyed-hash';
import { StoreResidentErasure } from '../features/privacy/adapters/resident-erasure';
import { createRedis, waitReady } from '../redis/connection';
import type { ChannelName, Lang } from '../conversations/messages';
import { connectDatabase } from '../store/connection';
import { createStore, type Store } from '../store/models';
import { OFFICER_ROLES, type Officer, type OfficerChat, type OfficerRole } from '../store/officers/officer.schema';
import { inviteCodeHash, newInviteCode } from '../domain/invite-code';
import { listFailed, retryFailed } from './failed-jobs';
import { describeRotation, rotateKey, rotationBox } from './rotate-key';

const USAGE = `Usage: scripts/admin <command> [options]

  add-area --code CODE --name NAME --kind KIND [--parent CODE]
      Create or update an area. CODE: lowercase letters, digits, hyphens (e.g. kp1-to3).
      KIND is a label such as province, ward, commune, residential-group.

  set-area-boundary CODE FILE | set-area-boundary CODE --remove
      Give an area its outline on the dashboard's map from a GeoJSON file (a Polygon or
      MultiPolygon geometry, or a Feature or FeatureCollection of one holding it; positions are
      [longitude, latitude]), checked first: rings closed, coordinates in range. --remove: no outline.

  add-officer --id ID --name NAME --role officer|supervisor|mediator --areas CODE[,CODE…]
              [--telegram CHAT_ID] [--zalo CHAT_ID] [--console CHAT_ID] [--lang vi|en] [--inactive]
      Create or update an officer. Chats not named keep their current value.

  bind-group --channel telegram|zalo|console --chat CHAT_ID --area CODE
      Route a registered group's tips to an area (add the bot to the group first).

  add-group-admin --channel zalo|console|telegram --chat CHAT_ID --user USER_ID
      Record a group's admin (tổ trưởng) who may send it announcements (/thongbao). Needed where
      the platform cannot say who administers a group (Zalo); on Telegram the bot asks Telegram.
  remove-group-admin --channel … --chat CHAT_ID --user USER_ID

  invite-officer --id ID --name NAME --role officer|supervisor|mediator --areas CODE[,CODE…]
                 [--lang vi|en] [--days N]
      Create or update an officer and print a one-time code (valid N days, default 7) that they
      send to the bot in a private chat, /dangky CODE, on Telegram or Zalo: their chat is then
      recorded and alerts reach it. A new invite replaces the last one.

  deactivate-officer --id ID
      Stop sending an officer alerts, answers and notices at once (the record stays; add-officer
      without --inactive makes them active again).

  unbind-group --channel telegram|zalo|console --chat CHAT_ID
      Stop routing a group's tips to its area (the group stays registered; bind-group again later).

  failed-jobs [--queue NAME]
      Jobs that used their last attempt: queue, id, kind, attempts, when and our error code. Never
      their content. Reads REDIS_URL.
  retry-failed --queue NAME (--id JOB_ID | --all)
      Put failed jobs back in the queue once the cause is fixed.

  list areas|officers|groups

  erase-user <telegram|zalo|console> <USER_ID>
      A resident's erasure request made at the ward office (what /xoadulieu does in the chat):
      deletes their profile and conversation (drafts, questions waiting for them) from Redis and
      unlinks their cases (contact, chat and index removed; the reports stay for the officers).
      Needs REDIS_URL and KEY_HMAC_SECRET as the bot has them. Safe to run again.

  rotate-key [--batch N]
      Seal everything stored with the contact key again with the newest one: cases, notices,
      evidence files, and in Redis the chats' slots, the profiles and the queued jobs. Needs
      REDIS_URL, CONTACT_ENCRYPTION_KEY (the new key) and CONTACT_ENCRYPTION_OLD_KEYS (the old ones)
      as the bot, already restarted with them, has them. N values at a time (default 500). Prints
      the counts; safe to stop and run again. Procedure: docs/privacy.md#keys-issue-14-point-9.

The database is MONGODB_URI; without one running: bash scripts/services -- bash scripts/admin …`;

/** A mistake in how the command was typed: print it with the usage. */
class UsageError extends Error {}

type Options = Record<string, string | boolean | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

function optional(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

async function requireArea(store: Store, code: string): Promise<void> {
  if (!(await store.areas.byCode(code)))
    throw new Error(`area ${code} does not exist: add it first with add-area (see: scripts/admin list areas)`);
}

async function addArea(store: Store, options: Options): Promise<void> {
  const parentCode = optional(options, 'parent') ?? null;
  if (parentCode !== null) await requireArea(store, parentCode);
  const area = await store.areas.upsert({
    code: required(options, 'code'),
    name: required(options, 'name'),
    kind: required(options, 'kind'),
    parentCode,
  });
  console.log(`area ${area.code} saved: ${area.name} (${area.kind}${area.parentCode ? `, in ${area.parentCode}` : ''})`);
}

async function setAreaBoundary(store: Store, options: Options, positionals: string[]): Promise<void> {
  const [code, file] = positionals;
  const remove = options.remove === true;
  if (code === undefined || positionals.length > 2 || (file === undefined) !== remove)
    throw new UsageError(
      'set-area-boundary needs the area code and a GeoJSON file (or --remove): set-area-boundary kp1-to3 kp1-to3.geojson',
    );
  await requireArea(store, code);
  if (remove) {
    await store.areas.setBoundary(code, null);
    console.log(`area ${code} has no boundary now: the map lists it beside the outlines`);
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file!, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  let boundary;
  try {
    boundary = parseBoundary(json);
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}; nothing was changed`, { cause: error });
  }
  await store.areas.setBoundary(code, boundary);
  const rings = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
  const positions = rings.flat().reduce((sum, ring) => sum + ring.length, 0);
  console.log(`area ${code} boundary saved: a ${boundary.type} of ${positions} positions`);
}

/** `--areas a,b`: at least one code, each an area that exists. */
async function areasOption(store: Store, options: Options): Promise<string[]> {
  const areaCodes = required(options, 'areas')
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '');
  if (areaCodes.length === 0) throw new UsageError('--areas needs at least one area code');
  for (const code of areaCodes) await requireArea(store, code);
  return areaCodes;
}

async function addOfficer(store: Store, options: Options): Promise<void> {
  const officerId = required(options, 'id');
  const areaCodes = await areasOption(store, options);

  const existing = await store.officers.byId(officerId);
  const given: OfficerChat[] = [];
  for (const channel of ['telegram', 'zalo', 'console'] as const satisfies readonly ChannelName[]) {
    const chatId = optional(options, channel);
    if (chatId !== undefined) given.push({ channel, chatId });
  }
  const kept = (existing?.chats ?? []).filter((chat) => !given.some((g) => g.channel === chat.channel));
  const officer: Officer = {
    officerId,
    name: required(options, 'name'),
    role: oneOf<OfficerRole>(required(options, 'role'), OFFICER_ROLES, 'role'),
    areaCodes,
    chats: [...kept, ...given],
    lang: oneOf<Lang>(optional(options, 'lang') ?? existing?.lang ?? 'vi', ['vi', 'en'], 'lang'),
    active: options.inactive !== true,
  };
  if (officer.chats.length === 0) {
    console.warn(`warning: officer ${officerId} has no chat yet and will receive no alerts; add --telegram or --zalo`);
  }
  const saved = await store.officers.upsert(officer);
  console.log(`officer ${saved.officerId} ${existing ? 'updated' : 'added'}: ${describeOfficer(saved)}`);
}

async function bindGroup(store: Store, options: Options): Promise<void> {
  const channel = oneOf<ChannelName>(required(options, 'channel'), ['telegram', 'zalo', 'console'], 'channel');
  const chatId = required(options, 'chat');
  const areaCode = required(options, 'area');
  await requireArea(store, areaCode);
  const group = await store.groups.bindArea(channel, chatId, areaCode);
  if (!group) {
    throw new Error(
      `no ${channel} group ${chatId} is registered: add the bot to the group (it registers itself), then run bind-group again`,
    );
  }
  console.log(`group ${channel}:${chatId} "${group.title}" now reports to ${areaCode} (join code ${group.joinCode})`);
}

async function groupAdmin(store: Store, options: Options, add: boolean): Promise<void> {
  const channel = oneOf<ChannelName>(required(options, 'channel'), ['telegram', 'zalo', 'console'], 'channel');
  const chatId = required(options, 'chat');
  const userId = required(options, 'user');
  const group = await store.groups.byChat(channel, chatId);
  if (!group)
    throw new Error(`no ${channel} group ${chatId} is registered: add the bot to the group first (see: scripts/admin list groups)`);
  if (add) await store.groupAdmins.add(channel, chatId, userId, 'operator');
  else await store.groupAdmins.remove(channel, chatId, userId);
  console.log(`${channel} user ${userId} ${add ? 'may now send announcements to' : 'no longer administers'} group "${group.title}"`);
}

async function inviteOfficer(store: Store, options: Options): Promise<void> {
  const officerId = required(options, 'id');
  const areaCodes = await areasOption(store, options);
  const days = Number(optional(options, 'days') ?? '7');
  if (!Number.isInteger(days) || days < 1 || days > 30) throw new UsageError('--days must be a whole number from 1 to 30');
  const existing = await store.officers.byId(officerId);
  const saved = await store.officers.upsert({
    officerId,
    name: required(options, 'name'),
    role: oneOf<OfficerRole>(required(options, 'role'), OFFICER_ROLES, 'role'),
    areaCodes,
    chats: existing?.chats ?? [],
    lang: oneOf<Lang>(optional(options, 'lang') ?? existing?.lang ?? 'vi', ['vi', 'en'], 'lang'),
    active: true,
  });
  const code = newInviteCode();
  const expiresAt = new Date(Date.now() + days * 86_400_000);
  await store.officerInvites.replace(saved.officerId, inviteCodeHash(code), expiresAt);
  console.log(`officer ${saved.officerId} ${existing ? 'updated' : 'added'}: ${describeOfficer(saved)}`);
  console.log(`invite code: ${code}  (valid until ${expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, once)`);
  console.log(`Give it to ${saved.name} in person; in a private chat with the bot they send:  /dangky ${code}`);
}

async function deactivateOfficer(store: Store, options: Options): Promise<void> {
  const officerId = required(options, 'id');
  const officer = await store.officers.byId(officerId);
  if (!officer) throw new Error(`no officer ${officerId} (see: scripts/admin list officers)`);
  const saved = await store.officers.upsert({ ...officer, active: false });
  console.log(`officer ${saved.officerId} deactivated: ${describeOfficer(saved)}`);
}

async function unbindGroup(store: Store, options: Options): Promise<void> {
  const channel = oneOf<ChannelName>(required(options, 'channel'), ['telegram', 'zalo', 'console'], 'channel');
  const chatId = required(options, 'chat');
  const group = await store.groups.bindArea(channel, chatId, null);
  if (!group) throw new Error(`no ${channel} group ${chatId} is registered (see: scripts/admin list groups)`);
  console.log(`group ${channel}:${chatId} "${group.title}" reports to no area now; its tips wait for bind-group`);
}

function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: point it at Redis, or run `bash scripts/services -- bash scripts/admin …`');
  return url;
}

/** The commands about queued jobs: they need Redis, not the database. */
const JOB_COMMANDS: Record<string, (options: Options) => Promise<void>> = {
  'failed-jobs': async (options) => {
    const rows = await listFailed(redisUrl(), optional(options, 'queue'));
    if (rows.length === 0) console.log('No failed jobs.');
    for (const r of rows) console.log(`${r.queue}\t${r.id}\t${r.name}\t${r.attempts} attempts\t${r.failedAt}\t${r.reason}`);
  },
  'retry-failed': async (options) => {
    const queue = required(options, 'queue');
    const id = optional(options, 'id');
    if ((id === undefined) === (options.all !== true)) throw new UsageError('retry-failed needs --id JOB_ID or --all');
    const count = await retryFailed(redisUrl(), queue, id);
    console.log(`${count} job(s) of ${queue} put back in the queue`);
  },
};

async function list(store: Store, what: string | undefined): Promise<void> {
  switch (what) {
    case 'areas':
      for (const a of await store.areas.all()) console.log(`${a.code}\t${a.kind}\t${a.parentCode ?? '-'}\t${a.name}`);
      return;
    case 'officers':
      for (const o of await store.officers.all()) console.log(`${o.officerId}\t${describeOfficer(o)}`);
      return;
    case 'groups':
      for (const g of await store.groups.all()) {
        console.log(
          `${g.channel}:${g.chatId}\t${g.joinCode}\t${g.areaCode ?? '(no area)'}\t${g.active ? 'active' : 'inactive'}\t${g.title}`,
        );
      }
      return;
    default:
      throw new UsageError('list what? areas, officers or groups');
  }
}

/**
 * The resident's Telegram or Zalo user id (on Telegram: from the chat with the bot, or a bot such
 * as @userinfobot; their private chat with the bot has the same id). Only the keyed hashes of it
 * are looked for: the bot never stored the id itself where this could read it.
 */
async function rotateKeyCommand(conn: Connection, options: Options): Promise<void> {
  const batch = Number(optional(options, 'batch') ?? '500');
  if (!Number.isInteger(batch) || batch < 1 || batch > 10_000) throw new UsageError('--batch must be a whole number from 1 to 10000');
  const redisUrl = process.env.REDIS_URL;
  if (!redisUrl) throw new Error('REDIS_URL is not set: rotate-key also re-seals what Redis keeps');
  const box = rotationBox(process.env);
  const redis = createRedis(redisUrl, 'blocking', 'admin-rotate-key');
  try {
    await waitReady(redis);
    console.log(`Re-sealing with key ${box.currentKeyId}…`);
    for (const line of describeRotation(box, await rotateKey(conn, redis, box, batch))) console.log(line);
  } finally {
    redis.disconnect();
  }
}

async function eraseUser(store: Store, positionals: string[]): Promise<void> {
  const [channelArg, userId] = positionals;
  if (channelArg === undefined || userId === undefined || userId.trim() === '' || positionals.length > 2)
    throw new UsageError('erase-user needs the channel and the user id: erase-user telegram 123456789');
  const channel = oneOf<ChannelName>(channelArg, CHANNEL_NAMES, 'channel');
  const redisUrl = process.env.REDIS_URL;
  const secret = process.env.KEY_HMAC_SECRET;
  if (!redisUrl) throw new Error('REDIS_URL is not set: erase-user also deletes what Redis keeps of the resident');
  if (!secret || Buffer.from(secret, 'base64').length < 32)
    throw new Error("KEY_HMAC_SECRET is not set (or shorter than 32 bytes): use the bot's, or nothing of the resident is found");
  const redis = createRedis(redisUrl, 'interactive', 'admin');
  try {
    await waitReady(redis);
    const eraser = new StoreResidentErasure(store, redis, new KeyedHash(Buffer.from(secret, 'base64')));
    const r = await eraser.erase(channel, userId.trim());
    console.log(
      `${channel} user ${userId.trim()} erased: ${r.cases} case(s) unlinked (reports kept for the officers), ` +
        `${r.notices} notice(s) to them cleared, profile ${r.profile ? 'deleted' : 'none'}, ` +
        `conversation ${r.conversation ? 'deleted' : 'none'}`,
    );
  } finally {
    redis.disconnect();
  }
}

function describeOfficer(o: Officer): string {
  const chats = o.chats.map((c) => `${c.channel}:${c.chatId}`).join(' ') || 'no chats';
  return `${o.name} [${o.role}, ${o.lang}${o.active ? '' : ', inactive'}] areas ${o.areaCodes.join(',')}; ${chats}`;
}

const STRING_OPTIONS = [
  'code',
  'name',
  'kind',
  'parent',
  'id',
  'role',
  'areas',
  'telegram',
  'zalo',
  'console',
  'lang',
  'channel',
  'chat',
  'area',
  'user',
  'queue',
  'days',
  'batch',
] as const;
const OPTIONS = {
  ...Object.fromEntries(STRING_OPTIONS.map((name) => [name, { type: 'string' as const }])),
  inactive: { type: 'boolean' as const },
  all: { type: 'boolean' as const },
  remove: { type: 'boolean' as const },
};

/**
 * `--chat -1001234` → `--chat=-1001234`: Telegram group ids are negative, and parseArgs would
 * otherwise read the value as an option.
 */
function attachValues(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (arg.startsWith('--') && (STRING_OPTIONS as readonly string[]).includes(arg.slice(2)) && next !== undefined) {
      out.push(`${arg}=${next}`);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  const commands: Record<string, (store: Store, options: Options, positionals: string[], conn: Connection) => Promise<void>> = {
    'add-area': (store, options) => addArea(store, options),
    'set-area-boundary': (store, options, positionals) => setAreaBoundary(store, options, positionals),
    'add-officer': (store, options) => addOfficer(store, options),
    'bind-group': (store, options) => bindGroup(store, options),
    'add-group-admin': (store, options) => groupAdmin(store, options, true),
    'remove-group-admin': (store, options) => groupAdmin(store, options, false),
    'invite-officer': (store, options) => inviteOfficer(store, options),
    'deactivate-officer': (store, options) => deactivateOfficer(store, options),
    'unbind-group': (store, options) => unbindGroup(store, options),
    list: (store, _options, positionals) => list(store, positionals[0]),
    'erase-user': (store, _options, positionals) => eraseUser(store, positionals),
    'rotate-key': (_store, options, _positionals, conn) => rotateKeyCommand(conn, options),
  };
  const handler = commands[command];
  const jobCommand = JOB_COMMANDS[command];
  if (!handler && !jobCommand) throw new UsageError(`unknown command ${JSON.stringify(command)}`);

  let parsed: { values: Options; positionals: string[] };
  try {
    parsed = parseArgs({ args: attachValues(rest), allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (jobCommand) return jobCommand(parsed.values);

  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: point it at the database, or run `bash scripts/services -- bash scripts/admin …`');
  let conn: Connection | undefined;
  try {
    conn = await connectDatabase(uri);
    await handler!(createStore(conn), parsed.values, parsed.positionals, conn);
  } finally {
    await conn?.close();
  }
}

/** `admin …`: exit code 0 when done, 2 for a usage error (with the usage), 1 for anything else. */
export function main(args: string[]): Promise<number> {
  return run(args).then(
    () => 0,
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`error: ${error.message}\n\n${USAGE}`);
        return 2;
      }
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    },
  );
}
