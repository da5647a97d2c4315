import { refusalFor } from '../domain/case-workflow';
import { CASE_KINDS } from '../features/reporting/flows';
import type { Case } from './cases/case.schema';
import type { Officer } from './officers/officer.schema';
import type { Store } from './models';

/** Why a message to an officer was not sent: stored as the row's lastError. */
export const NOT_RESPONSIBLE = 'RecipientNotResponsible';

/**
 * The officer's record, read now, when they may receive messages about the case now (null when
 * not): their record is active and they
 * may still view the case by the access rules (domain/case-workflow `refusalFor`: their areas
 * cover it, a mediator only mediation requests). Asked at the moment of sending, from the
 * database, not the lookup cache: an officer deactivated or moved by the operator a second ago
 * must not receive a tipster's answer, a queued alert or a notice. Without a case (a notice about
 * nothing in particular) only the record's being active counts. `about` is the case's id, or the
 * case itself when the caller has just read it (the alert job), which saves reading it twice.
 */
export async function stillResponsible(store: Store, officerId: string, about: string | Case | undefined): Promise<Officer | null> {
  const officer = await store.officers.fresh(officerId);
  if (!officer?.active) return null;
  if (about === undefined) return officer;
  const c = typeof about === 'string' ? await store.cases.byCaseId(about) : about;
  if (!c) return null;
  const areaPath = c.areaCode ? (await store.areas.ancestry(c.areaCode)).map((a) => a.code) : [];
  const staff = { officerId, role: officer.role, superadmin: false, areaCodes: officer.areaCodes, active: officer.active };
  const guarded = { handledByMediators: CASE_KINDS.get(c.kind).handledByMediators, status: c.status, areaPath, recipients: c.recipients };
  return refusalFor(staff, 'view', guarded) === null ? officer : null;
}
