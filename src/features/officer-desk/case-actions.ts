import { questionsStopped, type CaseChange } from '../../domain/case-workflow';
import { defang } from '../../domain/defang';
import type { FeatureContext } from '../../conversations/feature';
import type { ChannelName, Lang } from '../../conversations/messages';
import type { OfficerDeskDeps } from './officer-feature';
import type { ChangeResult, DeskCase, DeskStaff, RelayTicket } from './ports';
import { outcomeLabel, withCaseActions } from './render';

/** The tipster's slot owner while an officer's question waits for its answer. */
export const RELAY = 'relay';
/** `relay:stop:<caseId>`: the tipster's "stop asking me about this case" (a button, or picked from a question). */
export const RELAY_STOP = 'relay:stop:';
/** `askedBy` of a superadmin without an officer record (see DeskStaff.actingAs): no area to re-check. */
const SUPERADMIN = 'superadmin';

type UpdateChat = FeatureContext['updateChat'];

/** Why a question may not go to the tipster now: a locale key and its values. */
export interface RelayRefusal {
  key: string;
  params: Record<string, unknown>;
}

/**
 * What a staff action does beyond the answer to whoever took it, the same from the chat and the
 * web dashboard: the change (one conditional update) and what follows from it (the resident told,
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
    // The tipster asked for no more questions on this case (lasting until it closes).
    if (questionsStopped(c)) return { key: 'officer.relay.stop.refused', params: { code: c.refCode } };
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
    // The way to ask for no more questions comes with every question: a button where there are
    // buttons, the word to type where there are none.
    await this.deps.messenger.toReporter(c.caseId, `n.${c.caseId}.q.${this.deps.newId()}`, (l, channel) => {
      const asked = this.deps.t(l, 'officer.relay.question', { code: c.refCode, question: defang(question) });
      if (channel !== 'telegram') return [{ text: `${asked}\n${this.deps.t(l, 'officer.relay.stop.hintTyped')}`, lang: l }];
      return [
        {
          text: `${asked}\n${this.deps.t(l, 'officer.relay.stop.hintButton')}`,
          options: [{ id: `${RELAY_STOP}${c.caseId}`, label: this.deps.t(l, 'officer.relay.stop.button') }],
          lang: l,
        },
      ];
    });
    const ticket: RelayTicket = { caseId: c.caseId, refCode: c.refCode, askedBy: staff.actingAs, ...askedFrom, lang };
    const chat = this.deps.state.reporterChat(c);
    if (!chat) return;
    // The question becomes the tipster's conversation: a draft they are writing waits behind it.
    await updateChat(chat.channel, chat.chatId, (slot) => slot.hold(RELAY, ticket, this.deps.relayTtlMs));
  }

  /** To whoever asked the question of the ticket: the chat it was asked from, or (asked on the web) the officer's chats. */
  async tellAsker(relay: RelayTicket, noticeId: string, render: Parameters<OfficerDeskDeps['messenger']['toOfficer']>[2]): Promise<void> {
    if (relay.channel && relay.chatId)
      await this.deps.messenger.toChat(
        relay.channel,
        relay.chatId,
        relay.lang,
        noticeId,
        render,
        relay.askedBy === SUPERADMIN ? undefined : relay.askedBy,
      );
    else await this.deps.messenger.toOfficer(relay.askedBy, noticeId, render);
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
