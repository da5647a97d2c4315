/**
 * Everything one emulator knows, in one object that the server, the Bot API methods and the update
 * builders share: passing it around, rather than each part keeping its own, is what lets a call the
 * bot makes show up in what the test reads and wake what the test waits for.
 */
import type { BotCommand } from 'telegraf/types';
import { Chats, type BotUser } from './chats';
import { Delivery } from './delivery';
import { Faults, RateLimits } from './faults';
import type {
  ApiRequest,
  CallbackAnswer,
  EmulatorStats,
  SentMessage,
  TelegramEmulatorOptions,
  HostedFile,
  UploadedFile,
  WebhookDelivery,
} from './types';

const DEFAULT_TOKEN = '123456:TEST-TOKEN';
const DEFAULT_BOT_ID = 123456;
const DEFAULT_USERNAME = 'totuquan_test_bot';

export class EmulatorState {
  readonly token: string;
  readonly botUser: BotUser;
  readonly privacyMode: boolean;
  readonly limits?: RateLimits;

  // What the bot did, as TelegramEmulator shows it to tests.
  /** Calls per canonical method name, refused ones included. */
  readonly calls: Record<string, number> = {};
  readonly requests: ApiRequest[] = [];
  readonly sentLog: SentMessage[] = [];
  readonly edited: SentMessage[] = [];
  readonly deletedMessages: Array<{ chat_id: string; message_id: number; at: number }> = [];
  readonly callbackAnswers: CallbackAnswer[] = [];
  readonly webhookResponses: WebhookDelivery[] = [];
  readonly uploads: UploadedFile[] = [];
  /** Files by file_id: those users sent (updates.ts gives each a sample unless the test set its bytes) and those the bot uploaded. */
  readonly files = new Map<string, HostedFile>();
  readonly stats: EmulatorStats = { tooManyRequests: 0, hiddenByPrivacy: 0, limited: { perChat: 0, perGroup: 0, global: 0 } };

  // What Telegram would know.
  readonly chats: Chats;
  readonly delivery: Delivery;
  readonly faults = new Faults();
  readonly pendingCallbackIds = new Set<string>();
  readonly commands = new Map<string, BotCommand[]>();
  nextUpdateId = 1;
  nextCallbackId = 1;
  nextMediaGroupId = 1;
  stopped = false;

  /** Re-checked whenever something is recorded; each resolves its promise when satisfied. */
  private readonly waiters = new Set<{ check: () => boolean; fail: (err: Error) => void }>();

  constructor(opts: TelegramEmulatorOptions) {
    this.token = opts.token ?? DEFAULT_TOKEN;
    const idPart = this.token.split(':')[0];
    this.botUser = {
      id: /^\d+$/.test(idPart) ? Number(idPart) : DEFAULT_BOT_ID,
      is_bot: true,
      first_name: 'Tổ tự quản (test)',
      username: opts.botUsername ?? DEFAULT_USERNAME,
    };
    this.privacyMode = opts.privacyMode ?? false;
    if (opts.limits) this.limits = new RateLimits(opts.limits);
    this.chats = new Chats(this.botUser, { privacyMode: this.privacyMode, requireStart: opts.requireStart ?? false });
    this.delivery = new Delivery(this);
  }

  // ── waiting ──

  notify(): void {
    for (const waiter of [...this.waiters]) waiter.check();
  }

  /** For stop(): every pending wait rejects with `err`. */
  failWaiters(err: Error): void {
    for (const waiter of [...this.waiters]) waiter.fail(err);
  }

  /** What `find` finds, now or at a later notify(); rejects with `explain()` after `timeoutMs`. */
  waitUntil<T>(find: () => T | undefined, timeoutMs: number, explain: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const found = find();
      if (found !== undefined) return resolve(found);
      const waiter = {
        check: (): boolean => {
          const hit = find();
          if (hit === undefined) return false;
          finish();
          resolve(hit);
          return true;
        },
        fail: (err: Error): void => {
          finish();
          reject(err);
        },
      };
      const timer = setTimeout(() => waiter.fail(new Error(`TelegramEmulator: ${explain()}`)), timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }
}
