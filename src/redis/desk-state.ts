import type IORedis from 'ioredis';
import type { ChannelName } from '../conversations/messages';
import type { DeskCase, DeskState, Pending, RelayTicket } from '../conversations/officer/ports';
import type { SealedBox } from '../domain/sealed-box';

const DELETE_IF_CASE = `local v = redis.call('get', KEYS[1]) if v and cjson.decode(v).caseId == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * The officer desk's short-lived chat state, in Redis so any replica continues it:
 * - `desk:pending:<channel>:<chat>`: what an officer's chat is in the middle of (typing a note or a
 *   question, picking from numbered options, a resident typing a code), for `pendingTtlSeconds`;
 * - `desk:relay:<channel>:<chat>`: the tipster of a case was asked a question and their next
 *   message is the answer, for `relayTtlSeconds`. The tipster's chat comes from the case's sealed
 *   chat id, opened here and used only as the key.
 */
export class RedisDeskState implements DeskState {
  private readonly pendingTtl: number;
  private readonly relayTtl: number;

  constructor(
    private readonly redis: IORedis,
    private readonly box: SealedBox,
    opts: { pendingTtlSeconds?: number; relayTtlSeconds: number },
  ) {
    this.pendingTtl = opts.pendingTtlSeconds ?? 15 * 60;
    this.relayTtl = opts.relayTtlSeconds;
  }

  async peek(channel: ChannelName, chatId: string): Promise<{ pending: Pending | null; relay: RelayTicket | null }> {
    const [pending, relay] = await this.redis.mget(pendingKey(channel, chatId), relayKey(channel, chatId));
    return { pending: parse<Pending>(pending), relay: parse<RelayTicket>(relay) };
  }

  async setPending(channel: ChannelName, chatId: string, pending: Pending): Promise<void> {
    await this.redis.set(pendingKey(channel, chatId), JSON.stringify(pending), 'EX', this.pendingTtl);
  }

  async clearPending(channel: ChannelName, chatId: string): Promise<void> {
    await this.redis.del(pendingKey(channel, chatId));
  }

  async openRelay(c: DeskCase, ticket: RelayTicket): Promise<void> {
    await this.redis.set(relayKey(c.replyTo.channel, this.box.open(c.replyTo.chatIdSealed)), JSON.stringify(ticket), 'EX', this.relayTtl);
  }

  async closeRelay(channel: ChannelName, chatId: string): Promise<void> {
    await this.redis.del(relayKey(channel, chatId));
  }

  async closeRelayFor(c: DeskCase): Promise<void> {
    await this.redis.eval(DELETE_IF_CASE, 1, relayKey(c.replyTo.channel, this.box.open(c.replyTo.chatIdSealed)), c.caseId);
  }
}

const pendingKey = (channel: ChannelName, chatId: string) => `desk:pending:${channel}:${chatId}`;
const relayKey = (channel: ChannelName, chatId: string) => `desk:relay:${channel}:${chatId}`;

function parse<T>(raw: string | null): T | null {
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
