import type { CaseOutcome } from './case-workflow';
import { AppError } from './app-error';
import { formatReferenceCode, parseReferenceCode, referenceCodePattern } from './reference-code';

/**
 * A kind of case ("tip", "mediation"): an id stored with every case and put into callback data,
 * so it stays short and never changes meaning. Each flow declares the kind it files
 * (src/features/reporting/flows), with the rules below; the domain knows no kind by name.
 */
export type CaseKind = string;

/** What the rules of the desk, routing and escalation need to know of a kind of case. */
export interface CaseKindRules {
  id: CaseKind;
  /** The reference code's prefix, read over the phone: TB (tin báo), HG (hòa giải). */
  refPrefix: string;
  /** Category ids, labelled `categories.<kind>.<category>` in the locales. */
  categories: readonly string[];
  /** Categories where minutes matter: shorter escalation, first in an officer's list. */
  urgentCategories: readonly string[];
  /** The outcomes that make sense for it, in the order they are offered. */
  outcomes: readonly CaseOutcome[];
  /** Mediators (tổ hòa giải) are alerted too and may act on it; on other kinds they may not. */
  handledByMediators: boolean;
}

export class CaseKindError extends AppError {}

/** The kinds this deployment files, checked once: ids and prefixes must not collide. */
export class CaseKindCatalogue {
  readonly all: readonly CaseKindRules[];
  /** Any reference code of these kinds, as given out, queued and stored (the job schema checks it too). */
  readonly referencePattern: RegExp;
  private readonly byId: ReadonlyMap<CaseKind, CaseKindRules>;

  constructor(kinds: readonly CaseKindRules[]) {
    for (const k of kinds) {
      if (!/^[a-z][a-z_]{1,19}$/.test(k.id)) throw new CaseKindError(`case kind id '${k.id}' must be 2–20 lower-case letters`);
      if (!/^[A-Z]{2,3}$/.test(k.refPrefix))
        throw new CaseKindError(`case kind '${k.id}': reference prefix '${k.refPrefix}' must be 2–3 capital letters`);
      if (k.categories.length === 0 || k.outcomes.length === 0)
        throw new CaseKindError(`case kind '${k.id}' needs categories and outcomes`);
    }
    const twice = (values: string[]) => values.find((v, i) => values.indexOf(v) !== i);
    const id = twice(kinds.map((k) => k.id));
    const prefix = twice(kinds.map((k) => k.refPrefix));
    if (id !== undefined) throw new CaseKindError(`case kind '${id}' is declared twice`);
    if (prefix !== undefined) throw new CaseKindError(`reference prefix '${prefix}' is declared by two kinds`);
    this.all = kinds;
    this.byId = new Map(kinds.map((k) => [k.id, k]));
    this.referencePattern = referenceCodePattern(kinds.map((k) => k.refPrefix));
  }

  get ids(): CaseKind[] {
    return this.all.map((k) => k.id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The rules of a stored case's kind; a kind no flow declares any more is an operator's error, said loudly. */
  get(id: CaseKind): CaseKindRules {
    const kind = this.byId.get(id);
    if (!kind) throw new CaseKindError(`no flow declares the case kind '${id}'`);
    return kind;
  }

  /** The kind a category belongs to (categories of different kinds may share an id: the first kind wins). */
  kindOfCategory(category: string): CaseKindRules | undefined {
    return this.all.find((k) => k.categories.includes(category));
  }

  formatReference(kind: CaseKind, at: Date, sequence: number): string {
    return formatReferenceCode(this.get(kind).refPrefix, at, sequence);
  }

  parseReference(input: string): string | null {
    return parseReferenceCode(input, this.referencePattern);
  }
}
