import { refusalFor } from '../domain/case-workflow';
import { CASE_KINDS } from '../features/reporting/flows';
import type { Store } from './models';

/** Why a message to an officer was not sent: stored as the row's lastError. */
export const NOT_RESPONSIBLE = 'RecipientNotResponsible';

/**
 * True when the officer may receive messages about the case now: their record is active and they
 * may still view the case by the access rules (domain/case-workflow `refusalFor`: their areas
 * cover it, a mediator only mediation requests). Asked at the moment of sending, from the
 * database, not the lookup cache: an officer deactivated or moved by the operator a second ago
 * must not receive a tipster's answer, a queued alert or a notice. Without a case (a notice about
 * nothing in particular) only the record's being active counts.
 */
export async function stillResponsible(store: Store, officerId: string, caseId: string | undefined): Promise<boolean> {
  const officer = await store.officers.fresh(officerId);
  if (!officer?.active) return false;
  if (caseId === undefined) return true;
  const c = await store.cases.byCaseId(caseId);
  if (!c) return false;
  const areaPath = c.areaCode ? (await store.areas.ancestry(c.areaCode)).map((a) => a.code) : [];
  const staff = { officerId, role: officer.role, superadmin: false, areaCodes: officer.areaCodes, active: officer.active };
  const guarded = { handledByMediators: CASE_KINDS.get(c.kind).handledByMediators, status: c.status, areaPath, recipients: c.recipients };
  return refusalFor(staff, 'view', guarded) === null;
}
