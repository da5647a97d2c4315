import type { Model } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';
import { LookupCache } from '../lookup-cache';
import { upsertWithRetry, type Stored } from '../mongo-compat';
import { CHANNEL_NAMES, LANGS, OFFICER_ROLES, chatKey, type Officer, type OfficerRecord } from './officer.schema';

/** The officer without storage detail (`_id`, `chatKeys`). */
function toOfficer(record: Stored<OfficerRecord>): Officer;
function toOfficer(record: Stored<OfficerRecord> | null): Officer | null;
function toOfficer(record: Stored<OfficerRecord> | null): Officer | null {
  if (record === null) return null;
  const { _id, chatKeys, ...officer } = record;
  return officer;
}

/** Officers, mediators and supervisors, and the areas and chats they are reached by. */
export class OfficerRepository {
  private readonly byIdCache: LookupCache<Officer>;
  private readonly inAreasCache: LookupCache<Officer[]>;

  /** `lookupCacheMs`: how long officers found by id or area are remembered (see LookupCache); 0 for never. */
  constructor(
    private readonly model: Model<OfficerRecord>,
    lookupCacheMs = 0,
  ) {
    this.byIdCache = new LookupCache<Officer>(lookupCacheMs);
    this.inAreasCache = new LookupCache<Officer[]>(lookupCacheMs);
  }

  /** Creates the officer or replaces everything about them (areas and chats included). */
  async upsert(officer: Officer): Promise<Officer> {
    assertOfficer(officer);
    const { officerId, name, role, lang, active } = officer;
    const areaCodes = [...new Set(officer.areaCodes)];
    const chats = officer.chats.map(({ channel, chatId }) => ({ channel, chatId }));
    const chatKeys = [...new Set(chats.map((c) => chatKey(c.channel, c.chatId)))];
    this.byIdCache.clear();
    this.inAreasCache.clear();
    const saved = await upsertWithRetry(() =>
      this.model
        .findOneAndUpdate(
          { officerId },
          { $set: { name, role, areaCodes, chats, chatKeys, lang, active } },
          { upsert: true, new: true, runValidators: true },
        )
        .lean<Stored<OfficerRecord>>()
        .exec(),
    );
    if (!saved) throw new Error(`officer ${officerId}: the upsert returned nothing`);
    return toOfficer(saved);
  }

  async byId(officerId: string): Promise<Officer | null> {
    return this.byIdCache.get(officerId, async () =>
      toOfficer(await this.model.findOne({ officerId }).lean<Stored<OfficerRecord>>().exec()),
    );
  }

  /** As `byId`, but read from the database now: for the check at delivery (store/recipient-authority.ts). */
  async fresh(officerId: string): Promise<Officer | null> {
    return toOfficer(await this.model.findOne({ officerId }).lean<Stored<OfficerRecord>>().exec());
  }

  /**
   * The officer who writes from this private chat (active or not: the caller decides what an
   * inactive officer may do). One chat should belong to one officer; if bad data gives it to
   * several, the lowest id wins so the answer is at least stable.
   */
  async byChat(channel: ChannelName, chatId: string): Promise<Officer | null> {
    const record = await this.model
      .findOne({ chatKeys: chatKey(channel, chatId) })
      .sort({ officerId: 1 })
      .lean<Stored<OfficerRecord>>()
      .exec();
    return toOfficer(record);
  }

  /** Active officers covering any of the codes (pass an area's ancestry to route a case). */
  async inAreas(areaCodes: string[]): Promise<Officer[]> {
    if (areaCodes.length === 0) return [];
    const key = JSON.stringify([...new Set(areaCodes)].sort());
    const found = await this.inAreasCache.get(key, async () => {
      const records = await this.model
        .find({ active: true, areaCodes: { $in: areaCodes } })
        .sort({ officerId: 1 })
        .lean<Stored<OfficerRecord>[]>()
        .exec();
      return records.map((record) => toOfficer(record));
    });
    return found ?? [];
  }

  async all(): Promise<Officer[]> {
    const records = await this.model.find({}).sort({ officerId: 1 }).lean<Stored<OfficerRecord>[]>().exec();
    return records.map((record) => toOfficer(record));
  }
}

/** Checks an officer before it is written; the message names the officer and the bad field. */
export function assertOfficer(officer: Officer): void {
  const label = `officer ${JSON.stringify(officer.officerId)}`;
  if (typeof officer.officerId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(officer.officerId)) {
    throw new Error(`${label}: the id must be letters, digits, '.', '_' or '-' (e.g. 'cskv-bd-01')`);
  }
  if (typeof officer.name !== 'string' || officer.name.trim() === '') throw new Error(`${label}: the name is empty`);
  if (!OFFICER_ROLES.includes(officer.role)) throw new Error(`${label}: the role must be one of ${OFFICER_ROLES.join(', ')}`);
  if (!LANGS.includes(officer.lang)) throw new Error(`${label}: the language must be one of ${LANGS.join(', ')}`);
  if (typeof officer.active !== 'boolean') throw new Error(`${label}: active must be true or false`);
  if (!Array.isArray(officer.areaCodes) || officer.areaCodes.some((code) => typeof code !== 'string' || code === '')) {
    throw new Error(`${label}: areaCodes must be a list of area codes`);
  }
  if (!Array.isArray(officer.chats)) throw new Error(`${label}: chats must be a list`);
  for (const chat of officer.chats) {
    if (!CHANNEL_NAMES.includes(chat.channel)) throw new Error(`${label}: unknown chat channel ${JSON.stringify(chat.channel)}`);
    if (typeof chat.chatId !== 'string' || chat.chatId === '') throw new Error(`${label}: a ${chat.channel} chat has no chat id`);
  }
}
