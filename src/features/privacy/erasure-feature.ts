import { fold } from '../../domain/text';
import { matchOption } from '../../domain/option-match';
import type { CommandSpec } from '../../conversations/command-table';
import type { PushedOut } from '../../conversations/chat-slot';
import type { Feature, FeatureContext, HeldConversationHandler } from '../../conversations/feature';
import type { Option, OutboundMessage } from '../../conversations/messages';
import type { Translate } from '../../conversations/ports';
import type { ErasureReport, ResidentEraser } from './ports';

export interface ErasureFeatureDeps {
  t: Translate;
  eraser: ResidentEraser;
  /** Privacy-safe events only: the channel and counts, never who. */
  log: (event: string, fields?: Record<string, string | number | boolean>) => void;
}

/** The slot owner while "erase everything?" waits for its answer. */
const ERASE = 'erase';

/** What the question holds: the conversation it pushed out of the slot, if any, to put back on "no". */
interface EraseQuestion {
  displaced?: PushedOut;
}
const YES = 'erase:yes';
const NO = 'erase:no';
/** The question waits this long; after it, the next message is an ordinary one. */
const CONFIRM_TTL_MS = 10 * 60_000;
/**
 * Typed answers, folded (no diacritics, lower case): what people type instead of tapping, on
 * Zalo and the console especially ("có", "co", "ok"; "không", "ko"). Not "dừng" (stop): folded it is
 * "dung", which is also "đúng" (right), a yes.
 */
const TYPED_YES = new Set(['co', 'ok', 'oke', 'okay', 'yes', 'y', 'dong y', 'xoa', 'co xoa', 'xoa di', 'xac nhan']);
const TYPED_NO = new Set(['khong', 'ko', 'k', 'kg', 'no', 'n', 'thoi', 'huy', 'khong xoa', 'khong can']);

/**
 * `/xoadulieu` (`/deletemydata`): a resident erases what the bot keeps about them, after saying
 * yes to a question that says what goes and what stays. Answered only in the private chat: in a
 * group the command says where to send it, and nothing about anyone's data is said there.
 */
export class ErasureFeature implements Feature {
  readonly name = 'privacy';

  constructor(private readonly deps: ErasureFeatureDeps) {}

  readonly commands: CommandSpec[] = [
    {
      names: ['xoadulieu', 'deletemydata'],
      owner: 'privacy',
      where: 'both',
      run: async (ctx) => (ctx.msg.chatType === 'group' ? [{ text: this.t(ctx, 'privacy.erase.privateOnly') }] : this.ask(ctx)),
    },
  ];

  readonly choices = {
    prefixes: ['erase:'] as const,
    run: (ctx: FeatureContext) => this.answer(ctx, ctx.msg.choice),
  };

  readonly conversations: Record<string, HeldConversationHandler> = {
    [ERASE]: {
      continue: (ctx) => this.answer(ctx, undefined),
      cancel: async (ctx) => this.cancelled(ctx),
    },
  };

  private ask(ctx: FeatureContext): OutboundMessage[] {
    // A slot holds two conversations: with a draft open and an officer's question waiting with it,
    // asking pushes one out. It is kept in the question's state and put back on "no".
    const before = ctx.slot.get<EraseQuestion>(ERASE)?.displaced;
    const pushed = ctx.slot.hold<EraseQuestion>(ERASE, { displaced: before }, CONFIRM_TTL_MS);
    if (pushed) ctx.slot.hold<EraseQuestion>(ERASE, { displaced: pushed }, CONFIRM_TTL_MS);
    return [{ text: this.t(ctx, 'privacy.erase.confirm'), options: this.options(ctx) }];
  }

  /** A button pressed, or the message after the question (typed yes or no, or anything else). */
  private async answer(ctx: FeatureContext, choice: string | undefined): Promise<OutboundMessage[]> {
    const asked = ctx.slot.get(ERASE) !== null;
    const said = choice ?? this.typed(ctx);
    // A button from a question already answered or gone: nothing is erased unasked.
    if (!asked) return [{ text: this.t(ctx, 'privacy.erase.stale') }, ctx.menu()];
    if (said === NO) return this.cancelled(ctx);
    if (said !== YES)
      return [{ text: this.t(ctx, 'privacy.erase.unclear') }, { text: this.t(ctx, 'privacy.erase.confirm'), options: this.options(ctx) }];
    const { msg } = ctx;
    // The slot always holds this question now: a conversation was erased only if another waited with it.
    const conversation = ctx.slot.waitingOwner !== undefined || ctx.slot.get<EraseQuestion>(ERASE)?.displaced !== undefined;
    const report = { ...(await this.deps.eraser.erase(msg.channel, msg.userId, msg.chatId)), conversation };
    // Everything the chat's slot held goes with it (the service writes the empty slot back, which deletes it).
    ctx.slot.clear();
    this.deps.log('privacy.erased', { channel: msg.channel, cases: report.cases, notices: report.notices });
    return [{ text: this.done(ctx, report) }, ctx.menu()];
  }

  private typed(ctx: FeatureContext): string | undefined {
    const text = ctx.msg.text;
    if (!text) return undefined;
    const folded = fold(text)
      .replace(/[.!?,]+$/u, '')
      .trim();
    if (TYPED_YES.has(folded)) return YES;
    if (TYPED_NO.has(folded)) return NO;
    return matchOption(this.options(ctx), text)?.id;
  }

  private cancelled(ctx: FeatureContext): OutboundMessage[] {
    const displaced = ctx.slot.get<EraseQuestion>(ERASE)?.displaced;
    ctx.slot.release(ERASE);
    ctx.slot.putBack(displaced);
    return [{ text: this.t(ctx, 'privacy.erase.cancelled') }, ctx.menu()];
  }

  /** What went, in the resident's language (read before the profile that held it was erased). */
  private done(ctx: FeatureContext, r: ErasureReport): string {
    const lines = [this.t(ctx, 'privacy.erase.done.title')];
    if (r.profile) lines.push(this.t(ctx, 'privacy.erase.done.profile'));
    if (r.conversation) lines.push(this.t(ctx, 'privacy.erase.done.conversation'));
    if (r.cases > 0) lines.push(this.t(ctx, 'privacy.erase.done.cases', { count: r.cases }));
    if (lines.length === 1) lines.push(this.t(ctx, 'privacy.erase.done.nothing'));
    lines.push('', this.t(ctx, 'privacy.erase.done.after'));
    return lines.join('\n');
  }

  private options(ctx: FeatureContext): Option[] {
    return [
      { id: YES, label: this.t(ctx, 'privacy.erase.yes') },
      { id: NO, label: this.t(ctx, 'privacy.erase.no') },
    ];
  }

  private t(ctx: FeatureContext, key: string, params?: Record<string, unknown>): string {
    return this.deps.t(ctx.lang, key, params);
  }
}
