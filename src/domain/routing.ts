import type { CaseKindRules } from './case-kinds';

/** What routing needs to know of an officer; the store's Officer satisfies it. */
export interface RoutableOfficer {
  officerId: string;
  role: 'officer' | 'supervisor' | 'mediator';
  areaCodes: string[];
  active: boolean;
}

/**
 * Who is alerted about a case, given the case's area and its ancestors (leaf first).
 *
 * The area officer (CSKV) who "nắm tình hình" of the residential group comes first: the officers
 * of the nearest level that has any. If nobody covers the area at any level the case must still
 * reach someone, so it goes to the supervisors of the nearest level that has one. A mediation
 * request (a kind handled by mediators) also goes to the mediators (tổ hòa giải) of the nearest level that has them. A case with
 * no known area (a resident who never joined a group) has an empty ancestry and reaches the
 * supervisors of the root areas the caller passes instead.
 */
export function routeCase<O extends RoutableOfficer>(
  kind: Pick<CaseKindRules, 'handledByMediators'>,
  ancestry: string[],
  officers: O[],
): O[] {
  const active = officers.filter((o) => o.active);
  const nearest = (role: RoutableOfficer['role']): O[] => {
    for (const area of ancestry) {
      const found = active.filter((o) => o.role === role && o.areaCodes.includes(area));
      if (found.length > 0) return found;
    }
    return [];
  };
  let chosen = nearest('officer');
  if (chosen.length === 0) chosen = nearest('supervisor');
  if (kind.handledByMediators) chosen = [...chosen, ...nearest('mediator')];
  const seen = new Set<string>();
  return chosen.filter((o) => !seen.has(o.officerId) && seen.add(o.officerId));
}

/**
 * A case whose area is unknown (the resident gave no group code) goes to the supervisors highest
 * in the tree: in a ward's deployment that is the ward's police chief, who can pass it on.
 */
export function routeWithoutArea<O extends RoutableOfficer>(officers: O[], depthOf: (areaCode: string) => number): O[] {
  const supervisors = officers.filter((o) => o.active && o.role === 'supervisor');
  const depth = (o: O) => Math.min(...o.areaCodes.map(depthOf));
  const top = Math.min(...supervisors.map(depth));
  return supervisors.filter((o) => depth(o) === top);
}
