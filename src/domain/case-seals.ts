/**
 * A case's sealed fields (the tipster's contact, the chat to write back to) are bound to their case
 * and field by associated data, so a value copied into another case or field does not open: a
 * database dump cannot be rearranged into "this tipster sent that case". The notices that write to
 * the tipster carry the case's value as it is, and open it with the same binding.
 *
 * Values sealed before the binding (and test fixtures) carry none: they still open without it, and
 * `scripts/admin rotate-key` re-seals them bound, after which a copied value opens nowhere else.
 */
export type CaseSealedField = 'contact' | 'replyTo';

interface Box {
  seal(plain: string, aad?: string): string;
  open(sealed: string, aad?: string): string;
}

export const caseFieldAad = (caseId: string, field: CaseSealedField): string => `case:${caseId}#${field}`;

export function sealCaseField(box: Pick<Box, 'seal'>, plain: string, caseId: string, field: CaseSealedField): string {
  return box.seal(plain, caseFieldAad(caseId, field));
}

/** The field's plain value; throws when it opens neither bound to this case and field nor unbound (legacy). */
export function openCaseField(box: Pick<Box, 'open'>, sealed: string, caseId: string, field: CaseSealedField): string {
  try {
    return box.open(sealed, caseFieldAad(caseId, field));
  } catch (bound) {
    try {
      return box.open(sealed);
    } catch {
      throw bound;
    }
  }
}

/** Whether the value is already bound to this case and field (rotate-key re-seals those that are not). */
export function isBoundCaseField(box: Pick<Box, 'open'>, sealed: string, caseId: string, field: CaseSealedField): boolean {
  try {
    box.open(sealed, caseFieldAad(caseId, field));
    return true;
  } catch {
    return false;
  }
}
