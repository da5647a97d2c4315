import type { Model } from 'mongoose';
import { LookupCache } from '../lookup-cache';
import { plain, upsertWithRetry, type Stored } from '../mongo-compat';
import { AREA_CODE_PATTERN, type Area } from './area.schema';

/** The administrative tree. Walks it one level per query: a province has thousands of leaves. */
export class AreaRepository {
  private readonly cache: LookupCache<Area>;

  /** `lookupCacheMs`: how long an area found by code is remembered (see LookupCache); 0 for never. */
  constructor(
    private readonly model: Model<Area>,
    lookupCacheMs = 0,
  ) {
    this.cache = new LookupCache<Area>(lookupCacheMs);
  }

  /** Creates the area or replaces its name, kind and parent. */
  async upsert(area: Area): Promise<Area> {
    assertArea(area);
    const { code, name, kind, parentCode } = area;
    this.cache.clear();
    const saved = await upsertWithRetry(() =>
      this.model
        .findOneAndUpdate({ code }, { $set: { name, kind, parentCode } }, { upsert: true, new: true, runValidators: true })
        .lean<Stored<Area>>()
        .exec(),
    );
    if (!saved) throw new Error(`area ${code}: the upsert returned nothing`);
    return plain(saved);
  }

  async byCode(code: string): Promise<Area | null> {
    return this.cache.get(code, async () => plain(await this.model.findOne({ code }).lean<Stored<Area>>().exec()));
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
    const rows = await this.model.find({ parentCode: code }).sort({ code: 1 }).lean<Stored<Area>[]>().exec();
    return rows.map((row) => plain(row));
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
    const rows = await this.model.find({}).sort({ code: 1 }).lean<Stored<Area>[]>().exec();
    return rows.map((row) => plain(row));
  }
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
