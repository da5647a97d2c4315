import type { Model } from 'mongoose';
import { LookupCache } from '../lookup-cache';
import { plain, upsertWithRetry, type Stored } from '../mongo-compat';
import { AREA_CODE_PATTERN, type Area, type StoredArea } from './area.schema';
import { parseBoundary, type AreaBoundary } from '../../domain/area-boundary';

/** Routing and the lists never need an area's outline, which may be the largest part of it. */
const NO_BOUNDARY = { boundary: 0 } as const;

/** The administrative tree. Walks it one level per query: a province has thousands of leaves. */
export class AreaRepository {
  private readonly cache: LookupCache<Area>;

  /** `lookupCacheMs`: how long an area found by code is remembered (see LookupCache); 0 for never. */
  constructor(
    private readonly model: Model<StoredArea>,
    lookupCacheMs = 0,
  ) {
    this.cache = new LookupCache<Area>(lookupCacheMs);
  }

  /** Creates the area or replaces its name, kind and parent (and its boundary when one is given; none given keeps it). */
  async upsert(area: Area): Promise<Area> {
    assertArea(area);
    const { code, name, kind, parentCode } = area;
    const boundary = area.boundary === undefined ? {} : { boundary: JSON.stringify(parseBoundary(area.boundary)) };
    this.cache.clear();
    const saved = await upsertWithRetry(() =>
      this.model
        .findOneAndUpdate({ code }, { $set: { name, kind, parentCode, ...boundary } }, { upsert: true, new: true, runValidators: true })
        .lean<Stored<StoredArea>>()
        .exec(),
    );
    if (!saved) throw new Error(`area ${code}: the upsert returned nothing`);
    return fromStored(plain(saved));
  }

  /** Replaces the area's boundary (checked again here), or removes it with null; false when there is no such area. */
  async setBoundary(code: string, boundary: AreaBoundary | null): Promise<boolean> {
    const update = boundary === null ? { $unset: { boundary: 1 } } : { $set: { boundary: JSON.stringify(parseBoundary(boundary)) } };
    this.cache.clear();
    const result = await this.model.updateOne({ code }, update).exec();
    return result.matchedCount > 0;
  }

  /** The areas of these codes with their names and boundaries, in no particular order (the map: the only reader of boundaries). */
  async withCodes(codes: readonly string[]): Promise<Area[]> {
    const rows = await this.model
      .find({ code: { $in: [...codes] } })
      .lean<Stored<StoredArea>[]>()
      .exec();
    return rows.map((row) => fromStored(plain(row)));
  }

  async byCode(code: string): Promise<Area | null> {
    return this.cache.get(code, async () => {
      const row = await this.model.findOne({ code }).select(NO_BOUNDARY).lean<Stored<StoredArea>>().exec();
      return row ? fromStored(plain(row)) : null;
    });
  }

  /**
   * The area and then its parents up to the root, leaf first: what routing walks to find the
   * nearest officer. Stops quietly at a missing parent or at an area already seen (a cycle made by
   * bad data), so a broken tree degrades routing instead of hanging it. Empty for an unknown code.
   */
  async ancestry(code: string): Promise<Area[]> {
    const chain: Area[] = [];
    const seen = new Set<string>();
    let next: string | null = code;
    while (next !== null && !seen.has(next)) {
      seen.add(next);
      const area = await this.byCode(next);
      if (!area) break;
      chain.push(area);
      next = area.parentCode;
    }
    return chain;
  }

  /** The direct children, by code. */
  async children(code: string): Promise<Area[]> {
    const rows = await this.model.find({ parentCode: code }).select(NO_BOUNDARY).sort({ code: 1 }).lean<Stored<StoredArea>[]>().exec();
    return rows.map((row) => fromStored(plain(row)));
  }

  /**
   * The areas someone assigned to `codes` covers: each of them and every area below, the one
   * reading of "covers" (an officer of a ward covers its groups; docs/domain.md). Whether one area
   * is covered is the same question asked the other way: domain/case-workflow `coversArea`.
   */
  async coveredBy(codes: readonly string[]): Promise<string[]> {
    const covered = new Set<string>();
    for (const code of codes) for (const c of await this.descendantCodes(code)) covered.add(c);
    return [...covered];
  }

  /**
   * The code itself and every code below it, breadth first: what a supervisor of a ward covers.
   * Guards against cycles the same way as `ancestry`.
   */
  async descendantCodes(code: string): Promise<string[]> {
    const codes = [code];
    const seen = new Set(codes);
    let frontier = codes;
    while (frontier.length > 0) {
      const rows = await this.model
        .find({ parentCode: { $in: frontier } }, { code: 1 })
        .sort({ code: 1 })
        .lean<Pick<Area, 'code'>[]>()
        .exec();
      frontier = rows.map((row) => row.code).filter((child) => !seen.has(child));
      for (const child of frontier) seen.add(child);
      codes.push(...frontier);
    }
    return codes;
  }

  async all(): Promise<Area[]> {
    const rows = await this.model.find({}).select(NO_BOUNDARY).sort({ code: 1 }).lean<Stored<StoredArea>[]>().exec();
    return rows.map((row) => fromStored(plain(row)));
  }
}

/** The stored area as the rest of the code knows it: its boundary parsed back (it was checked when written). */
function fromStored(row: StoredArea): Area {
  const { boundary, ...area } = row;
  return boundary ? { ...area, boundary: JSON.parse(boundary) as AreaBoundary } : area;
}

/** Checks an area before it is written; the message names the area so an operator can fix it. */
export function assertArea(area: Area): void {
  const label = `area ${JSON.stringify(area.code)}`;
  if (typeof area.code !== 'string' || !AREA_CODE_PATTERN.test(area.code)) {
    throw new Error(`${label}: the code must be lowercase letters, digits and hyphens (e.g. 'kp1-to3')`);
  }
  if (typeof area.name !== 'string' || area.name.trim() === '') throw new Error(`${label}: the name is empty`);
  if (typeof area.kind !== 'string' || area.kind.trim() === '') throw new Error(`${label}: the kind is empty`);
  if (area.parentCode !== null) {
    if (typeof area.parentCode !== 'string' || !AREA_CODE_PATTERN.test(area.parentCode)) {
      throw new Error(`${label}: the parent code must be an area code or null`);
    }
    if (area.parentCode === area.code) throw new Error(`${label}: an area cannot be its own parent`);
  }
}
