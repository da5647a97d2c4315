import { isCaseOutcome, refusalFor, type CaseChange, type DeskAction } from '../../domain/case-workflow';
import type { WebAction, WebActionOutcome } from '../../domain/web-action';
import { normalise, truncate } from '../../domain/text';
import type { FeatureContext } from '../../conversations/feature';
import { CASE_KINDS } from '../reporting/flows';
import type { CaseActions } from './case-actions';
import type { OfficerDeskDeps } from './officer-feature';
import type { DeskCase, DeskStaff } from './ports';
import { caseCard, outcomeLabel, withCaseActions } from './render';

export type { WebAction, WebActionOutcome };

const ACTION: Record<WebAction['kind'], DeskAction> = { ack: 'ack', note: 'note', ask: 'ask', resolve: 'resolve', reassign: 'reassign' };
const RELAY_REFUSAL: Record<string, WebActionOutcome> = {
  'officer.relay.unreachable': 'unreachable',
  'officer.relay.limitReached': 'question_limit',
  'officer.relay.idle': 'question_idle',
  'officer.relay.stop.refused': 'questions_stopped',
};

interface Desk {
  deps: OfficerDeskDeps;
  actions: CaseActions;
  maxText: number;
}

/**
 * An action taken on the web dashboard (src/features/dashboard): the same rules, history entries
 * and follow-up as the chat's (case-actions.ts), and the officer's chats get the confirmation and
 * case card the chat would have answered with, so what they read in chat stays the whole story.
 * `updateChat` is the conversation service's, for the tipster's slot (a question, a closed case).
 */
export async function actFromWeb(
  { deps, actions, maxText }: Desk,
  staff: DeskStaff,
  c: DeskCase,
  action: WebAction,
  updateChat: FeatureContext['updateChat'],
): Promise<WebActionOutcome> {
  const refusal = refusalFor(staff, ACTION[action.kind], { ...c, handledByMediators: CASE_KINDS.get(c.kind).handledByMediators });
  if (refusal) {
    deps.log('desk.refused', { reason: refusal, action: action.kind, channel: 'web', caseId: c.caseId });
    return refusal;
  }
  const text = (s: string) => truncate(normalise(s), maxText);
  let change: CaseChange;
  let confirm: { key: string; params?: Record<string, unknown> };
  let target: { officerId: string; name: string } | undefined;
  switch (action.kind) {
    case 'ack':
      change = { action: 'ack', by: staff.actingAs };
      confirm = { key: 'officer.done.acknowledged' };
      break;
    case 'note':
    case 'ask': {
      const words = text(action.kind === 'note' ? action.note : action.question);
      if (!words) return 'empty';
      if (action.kind === 'ask') {
        const bound = actions.relayRefusal(c);
        if (bound) return RELAY_REFUSAL[bound.key];
      }
      change = { action: action.kind, by: staff.actingAs, note: words };
      confirm = { key: action.kind === 'ask' ? 'officer.done.asked' : 'officer.done.noted' };
      break;
    }
    case 'resolve': {
      const outcome = action.outcome;
      if (!isCaseOutcome(outcome) || !CASE_KINDS.get(c.kind).outcomes.includes(outcome)) return 'bad_choice';
      change = { action: 'resolve', by: staff.actingAs, outcome };
      confirm = { key: 'officer.done.resolved', params: { outcomeOf: outcome } };
      break;
    }
    case 'reassign': {
      target = (await deps.desk.colleagues(c)).find((o) => o.officerId === action.to);
      if (!target) return 'bad_choice';
      change = { action: 'reassign', by: staff.actingAs, to: target.officerId };
      confirm = { key: 'officer.done.reassigned', params: { name: target.name } };
      break;
    }
  }
  const result = await actions.change(updateChat, c, change, 'web');
  if (result.outcome === 'missing') return 'missing';
  if (result.outcome === 'closed') return 'closed';
  if (result.outcome === 'done') {
    if (action.kind === 'ask' && change.action === 'ask')
      await actions.sendQuestion(updateChat, staff, result.case, change.note, staff.lang ?? 'vi');
    if (target) await actions.handOver(staff, result, target.officerId);
  }
  if (result.outcome === 'unchanged')
    confirm =
      action.kind === 'reassign' && target
        ? { key: 'officer.done.alreadyAssigned', params: { name: target.name } }
        : { key: 'officer.done.alreadyAcknowledged' };
  if (staff.officerId) {
    const assigneeName = result.case.assignedTo ? (await deps.desk.officer(result.case.assignedTo))?.name : undefined;
    const { key, params = {} } = confirm;
    await deps.messenger.toOfficer(staff.officerId, `n.${c.caseId}.web.${deps.newId()}`, (lang, channel) => {
      const rc = { t: deps.t, lang, timeZone: deps.timeZone };
      const outcome =
        typeof params.outcomeOf === 'string' && isCaseOutcome(params.outcomeOf) ? outcomeLabel(deps.t, lang, params.outcomeOf) : undefined;
      return [
        { text: deps.t(lang, key, { code: c.refCode, ...params, ...(outcome ? { outcome } : {}) }), lang },
        withCaseActions({ text: caseCard(result.case, { ...rc, assigneeName }), lang }, channel, result.case, rc),
      ];
    });
  }
  return result.outcome;
}
