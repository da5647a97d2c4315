import type { CaseKind } from '../../../domain/case-kinds';
import { officerFields, type Flow, type OfficerField } from '../../../conversations/flow';
import { mediationFlow } from './mediation.flow';
import { tipFlow } from './tip.flow';

/** The flows residents can go through, one a kind of case. */
export const FLOWS: readonly Flow[] = [tipFlow, mediationFlow];

const OFFICER_FIELDS = new Map<CaseKind, OfficerField[]>(FLOWS.map((f) => [f.kind, officerFields(f)]));

/**
 * What officers are shown of a case of this kind, as its flow declares it. The alert and `/xem`
 * are written from a stored case, long after its conversation: the case's kind finds its flow.
 */
export function officerFieldsOf(kind: CaseKind): readonly OfficerField[] {
  return OFFICER_FIELDS.get(kind) ?? [];
}
