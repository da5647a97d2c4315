import type { Model } from 'mongoose';
import type { ChannelName } from '../../conversations/messages';
import { LookupCache } from '../lookup-cache';
import { isDuplicateKeyError, plain, type Stored } from '../mongo-compat';
import { groupKey } from '../../domain/chat';
import { JOIN_CODE_PATTERN, generateJoinCode, normaliseJoinCode, type Group } from './group.schema';
import { AppError } from '../../domain/app-error';

/** A join code the operator asked for already belongs to another group. */
export class JoinCodeTakenError extends AppError {
  constructor(
    readonly joinCode: string,
    readonly holder: Pick<Group, 'channel' | 'chatId'>,
  ) {
    super(`join code ${joinCode} already belongs to ${holder.channel} group ${holder.chatId}: choose another code`);
  }
}

export interface RegisterOptions {
  /** A fixed code (seed data, an operator's choice); it replaces the group's current code. */
  joinCode?: string;
}

export interface GroupRepositoryOptions {
  /** Where new codes come from; tests pass a predictable one to force collisions. */
  generateJoinCode?: () => string;
  /** How long a group found by its join code is remembered (see LookupCache); 0 for never. */
  lookupCacheMs?: number;
}

/** Enough for 32^6 codes; hitting it means the generator is broken, not unlucky. */
const MAX_REGISTER_ATTEMPTS = 8;

export class GroupRepository {
  private readonly newJoinCode: () => string;
  private readonly byCode: LookupCache<Group>;

  constructor(
    private readonly model: Model<Group>,
    options: GroupRepositoryOptions = {},
  ) {
    this.newJoinCode = options.generateJoinCode ?? generateJoinCode;
    this.byCode = new LookupCache<Group>(options.lookupCacheMs ?? 0);
  }

  /**
   * Records the group, or refreshes its title if it is known: safe to call on every group event.
   * A new group gets a fresh join code; a known one keeps its code, area and active flag (the
   * caller reactivates it with `setActive` when the bot is added back).
   *
   * Each attempt updates the known group (one write, the usual case) or else inserts a new one.
   * An E11000 on the insert means either that the random code was taken (the next attempt draws
   * another) or that another replica registered the same chat at the same moment (the next
   * attempt finds it): FerretDB does not say which index collided, and the retry is right for
   * both. Not an upsert with `$setOnInsert`: FerretDB 1.24 drops `areaCode: null` from it.
   */
  async register(channel: ChannelName, chatId: string, title: string, options: RegisterOptions = {}): Promise<Group> {
    const fixedCode = options.joinCode === undefined ? undefined : normaliseJoinCode(options.joinCode);
    if (fixedCode !== undefined && !JOIN_CODE_PATTERN.test(fixedCode)) {
      throw new Error(`join code ${JSON.stringify(options.joinCode)}: use 4 to 16 letters and digits`);
    }
    this.byCode.clear();
    const _id = groupKey({ channel, chatId });
    for (let attempt = 1; ; attempt += 1) {
      try {
        const known = await this.model
          .findOneAndUpdate({ _id }, { $set: fixedCode === undefined ? { title } : { title, joinCode: fixedCode } }, { new: true })
          .lean<Stored<Group>>()
          .exec();
        if (known) return plain(known);
        const fresh: Group = {
          channel,
          chatId,
          title,
          areaCode: null,
          joinCode: fixedCode ?? this.newJoinCode(),
          active: true,
          createdAt: new Date(),
        };
        const doc = await this.model.create({ _id, ...fresh });
        return plain(doc.toObject({ versionKey: false }) as Stored<Group>);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        if (fixedCode !== undefined) {
          const holder = await this.byJoinCode(fixedCode);
          if (holder && (holder.channel !== channel || holder.chatId !== chatId)) throw new JoinCodeTakenError(fixedCode, holder);
        }
        if (attempt >= MAX_REGISTER_ATTEMPTS) {
          throw new Error(`group ${channel}:${chatId}: no free join code after ${attempt} attempts; check the code generator`, {
            cause: error,
          });
        }
      }
    }
  }

  /** Null when the group was never registered (the bot must be added to it first). */
  async bindArea(channel: ChannelName, chatId: string, areaCode: string | null): Promise<Group | null> {
    this.byCode.clear();
    return plain(
      await this.model
        .findOneAndUpdate({ _id: groupKey({ channel, chatId }) }, { $set: { areaCode } }, { new: true })
        .lean<Stored<Group>>()
        .exec(),
    );
  }

  /** Case-insensitive and forgiving of spaces around the code, as residents type it. */
  async byJoinCode(code: string): Promise<Group | null> {
    const joinCode = normaliseJoinCode(code);
    return this.byCode.get(joinCode, async () => plain(await this.model.findOne({ joinCode }).lean<Stored<Group>>().exec()));
  }

  async byChat(channel: ChannelName, chatId: string): Promise<Group | null> {
    return plain(
      await this.model
        .findOne({ _id: groupKey({ channel, chatId }) })
        .lean<Stored<Group>>()
        .exec(),
    );
  }

  /** The bot was removed from (false) or added back to (true) the group. Null if unknown. */
  async setActive(channel: ChannelName, chatId: string, active: boolean): Promise<Group | null> {
    this.byCode.clear();
    return plain(
      await this.model
        .findOneAndUpdate({ _id: groupKey({ channel, chatId }) }, { $set: { active } }, { new: true })
        .lean<Stored<Group>>()
        .exec(),
    );
  }

  /** Active groups bound to any of the codes (pass `descendantCodes` for a whole ward). */
  async inAreas(areaCodes: string[]): Promise<Group[]> {
    if (areaCodes.length === 0) return [];
    const rows = await this.model
      .find({ active: true, areaCode: { $in: areaCodes } })
      .sort({ channel: 1, chatId: 1 })
      .lean<Stored<Group>[]>()
      .exec();
    return rows.map((row) => plain(row));
  }

  /** Every group, active or not, for operators. */
  async all(): Promise<Group[]> {
    const rows = await this.model.find({}).sort({ channel: 1, chatId: 1 }).lean<Stored<Group>[]>().exec();
    return rows.map((row) => plain(row));
  }
}
