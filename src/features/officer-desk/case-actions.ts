import type { CaseChange } from '../../domain/case-workflow';
import { defang } from '../../domain/defang';
import type { FeatureContext } from '../../conversations/feature';
import type { ChannelName, Lang } from '../../conversations/messages';
import type { OfficerDeskDeps } from './officer-feature';
import type { ChangeResult, DeskCase, DeskStaff, RelayTicket } from './ports';
import { outcomeLabel, withCaseActions } from './render';

/** The tipster's slot owner while an officer's question waits for its answer. */
export const RELAY = 'relay';

type UpdateChat = FeatureContext['updateChat'];

/** Why a question may not go to the tipster now: a locale key and its values. */
export interface RelayRefusal {
  key: string;
  params: Record<string, unknown>;
}

/**
 * What a staff action does beyond the answer to whoever took it, the same from the chat and the
 * web dashboard: the change under the case's lock and what follows from it (the resident told,
 * escalation stopped, the relay closed), a question sent through the anonymous relay, a case
 * handed to a colleague with its full alert.
 */
export class CaseActions {
  constructor(
    private readonly deps: OfficerDeskDeps,
    private readonly clock: () => number,
  ) {}

  /** Applies a change and makes sure what follows from the case's state happened (idempotent, so a retry repairs a half-done action). */
  async change(updateChat: UpdateChat, c: DeskCase, change: CaseChange, channel?: 'web'): Promise<ChangeResult> {
    // The audit log says where the action was taken.
    const result = await this.deps.desk.change(c.caseId, change, channel ?? 'chat');
    if (result.outcome === 'missing') return result;
    await this.followUp(updateChat, result.case);
    this.deps.log('desk.action', {
      caseId: c.caseId,
      refCode: c.refCode,
      action: change.action,
      outcome: result.outcome,
      ...(channel ? { channel } : {}),
    });
    return result;
  }

  /**
   * The resident hears when their case is taken and when it is closed; escalation stops once it is
   * taken; the relay closes with the case. Every step is keyed by the case, so repeating it is harmless.
   */
  async followUp(updateChat: UpdateChat, c: DeskCase): Promise<void> {
    if (c.status === 'new') return;
    await this.deps.escalations.cancel(c.caseId);
    if (c.status === 'acknowledged') {
      await this.deps.messenger.toReporter(c.caseId, `n.${c.caseId}.ack`, (lang) => [
        { text: this.deps.t(lang, `officer.resident.acknowledged.${c.kind}`, { code: c.refCode }), lang },
      ]);
    } else {
      // The relay closes with the case; a question about another case waits on.
      const chat = this.deps.state.reporterChat(c);
      if (chat)
        await updateChat(chat.channel, chat.chatId, (slot) => {
          if (slot.get<RelayTicket>(RELAY, true)?.caseId === c.caseId) slot.release(RELAY);
        });
      await this.deps.messenger.toReporter(c.caseId, `n.${c.caseId}.closed`, (lang) => [
        {
          text: this.deps.t(lang, `officer.resident.closed.${c.kind}`, {
            code: c.refCode,
            outcome: c.outcome ? outcomeLabel(this.deps.t, lang, c.outcome) : '',
          }),
          lang,
        },
      ]);
    }
  }

  /**
   * Null when a question may go to the case's tipster now. Not when they erased their data (or
   * retention purged the case), nor beyond the relay's bounds (issue 14, point 10): a tipster is
   * not asked about one case without end, nor about a case they last wrote about long ago.
   */
  relayRefusal(c: DeskCase): RelayRefusal | null {
    if (!c.replyTo) return { key: 'officer.relay.unreachable', params: { code: c.refCode } };
    const bounds = this.deps.relayBounds;
    if (!bounds) return null;
    const asked = c.history.filter((h) => h.action === 'question').length;
    if (asked >= bounds.questionsPerCase)
      return { key: 'officer.relay.limitReached', params: { code: c.refCode, count: bounds.questionsPerCase } };
    const last = Math.max(c.submittedAt.getTime(), ...c.history.filter((h) => h.by === 'resident').map((h) => h.at.getTime()));
    if (this.clock() - last > bounds.idleMs)
      return { key: 'officer.relay.idle', params: { code: c.refCode, count: Math.round(bounds.idleMs / 86_400_000) } };
    return null;
  }

  /**
   * The question to the tipster, through the outbox, and the ticket their answer comes back by:
   * to the chat it was asked from, or (asked on the web) to the officer's chats.
   */
  async sendQuestion(
    updateChat: UpdateChat,
    staff: DeskStaff,
    c: DeskCase,
    question: string,
    lang: Lang,
    askedFrom?: { channel: ChannelName; chatId: string },
  ): Promise<void> {
    await this.deps.messenger.toReporter(c.caseId, `n.${c.caseId}.q.${this.deps.newId()}`, (l) => [
      { text: this.deps.t(l, 'officer.relay.question', { code: c.refCode, question: defang(question) }), lang: l },
    ]);
    const ticket: RelayTicket = { caseId: c.caseId, refCode: c.refCode, askedBy: staff.actingAs, ...askedFrom, lang };
    const chat = this.deps.state.reporterChat(c);
    if (!chat) return;
    // The question becomes the tipster's conversation: a draft they are writing waits behind it.
    await updateChat(chat.channel, chat.chatId, (slot) => slot.hold(RELAY, ticket, this.deps.relayTtlMs));
  }

  /** A reassigned case's new officer gets the full alert (pin, media, contact if consented), then who gave it. */
  async handOver(staff: DeskStaff, result: ChangeResult & { outcome: 'done' }, to: string): Promise<void> {
    const c = result.case;
    await this.deps.messenger.alertOfficer(c.caseId, to);
    await this.deps.messenger.toOfficer(to, `n.${c.caseId}.assigned.${c.history.length}`, (lang, channel) => [
      withCaseActions({ text: this.deps.t(lang, 'officer.assigned', { code: c.refCode, by: staff.actingAs }), lang }, channel, c, {
        t: this.deps.t,
        lang,
      }),
    ]);
  }
}
