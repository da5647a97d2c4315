import { z } from 'zod';
import { AREA_CODE_PATTERN } from './areas/area.schema';
import type { Store } from './models';
import { OFFICER_ROLES } from './officers/officer.schema';
import { AppError } from '../domain/app-error';
import { BoundaryError, parseBoundary, type AreaBoundary } from '../domain/area-boundary';

/**
 * Seed data: the areas, officers and groups a deployment starts with (scripts/seed-data/*.json).
 * Loading is a series of upserts keyed by each entry's natural id, so it can be run again after
 * editing the file: entries are created or brought in line, nothing is deleted.
 */

const channel = z.enum(['telegram', 'zalo', 'console']);
const areaCode = z.string().regex(AREA_CODE_PATTERN, "must be lowercase letters, digits and hyphens, e.g. 'kp1-to3'");

const areaEntry = z
  .object({
    code: areaCode,
    name: z.string().trim().min(1, 'must not be empty'),
    kind: z.string().trim().min(1, 'must not be empty'),
    parentCode: areaCode.nullable(),
    /** Its outline for the dashboard's map: a GeoJSON Polygon or MultiPolygon, [longitude, latitude]. */
    boundary: z
      .unknown()
      .transform((value, ctx): AreaBoundary | undefined => {
        if (value === undefined) return undefined;
        try {
          return parseBoundary(value);
        } catch (error) {
          if (!(error instanceof BoundaryError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.message });
          return z.NEVER;
        }
      })
      .optional(),
  })
  .strict();

const officerEntry = z
  .object({
    officerId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be letters, digits, '.', '_' or '-'"),
    name: z.string().trim().min(1, 'must not be empty'),
    role: z.enum(OFFICER_ROLES),
    areaCodes: z.array(areaCode).min(1, 'must name at least one area'),
    chats: z.array(z.object({ channel, chatId: z.string().min(1, 'must not be empty') }).strict()).default([]),
    lang: z.enum(['vi', 'en']).default('vi'),
    active: z.boolean().default(true),
  })
  .strict();

const groupEntry = z
  .object({
    channel,
    chatId: z.string().min(1, 'must not be empty'),
    title: z.string(),
    areaCode: areaCode.nullable().default(null),
    joinCode: z
      .string()
      .regex(/^\s*[A-Za-z0-9]{4,16}\s*$/, 'must be 4 to 16 letters and digits')
      .optional(),
    active: z.boolean().default(true),
  })
  .strict();

const seedFile = z
  .object({
    areas: z.array(areaEntry).default([]),
    officers: z.array(officerEntry).default([]),
    groups: z.array(groupEntry).default([]),
  })
  .strict();

export type SeedData = z.input<typeof seedFile>;
export type SeedCounts = { areas: number; officers: number; groups: number };

/** The seed file is wrong; the message names the entry and what to fix. */
export class SeedError extends AppError {
  constructor(message: string) {
    super(`seed: ${message}`);
  }
}

/** Validates everything first, then writes; a bad file writes nothing. */
export async function loadSeed(store: Store, data: unknown): Promise<SeedCounts> {
  const seed = parseSeed(data);
  await checkReferences(store, seed);
  for (const area of seed.areas) await store.areas.upsert(area);
  for (const officer of seed.officers) await store.officers.upsert(officer);
  for (const group of seed.groups) {
    await store.groups.register(group.channel, group.chatId, group.title, group.joinCode === undefined ? {} : { joinCode: group.joinCode });
    await store.groups.bindArea(group.channel, group.chatId, group.areaCode);
    await store.groups.setActive(group.channel, group.chatId, group.active);
  }
  return { areas: seed.areas.length, officers: seed.officers.length, groups: seed.groups.length };
}

/**
 * Officers and areas the database holds that a seed file does not: signs that it is a real
 * deployment's. Loading the sample ward there would add made-up officers to real areas' routing.
 */
export async function recordsNotIn(store: Store, data: unknown): Promise<{ officers: number; areas: number }> {
  const seed = parseSeed(data);
  const officerIds = new Set(seed.officers.map((o) => o.officerId));
  const areaCodes = new Set(seed.areas.map((a) => a.code));
  return {
    officers: (await store.officers.all()).filter((o) => !officerIds.has(o.officerId)).length,
    areas: (await store.areas.all()).filter((a) => !areaCodes.has(a.code)).length,
  };
}

type ParsedSeed = z.output<typeof seedFile>;

export function parseSeed(data: unknown): ParsedSeed {
  const result = seedFile.safeParse(data);
  if (result.success) {
    checkDuplicates(result.data);
    return result.data;
  }
  const lines = result.error.issues.map((issue) => `${describePath(data, issue.path)}: ${issue.message}`);
  throw new SeedError(`the file does not have the expected shape:\n  ${lines.join('\n  ')}`);
}

/** 'officers[1] (cskv-sg-02).role' rather than 'officers.1.role'. */
function describePath(data: unknown, path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  const [section, index, ...rest] = path;
  let text = String(section);
  if (typeof index === 'number') {
    text += `[${index}]`;
    const id = entryId(String(section), (data as Record<string, unknown[]>)[String(section)]?.[index]);
    if (id) text += ` (${id})`;
  } else if (index !== undefined) {
    text += `.${index}`;
  }
  return rest.length === 0 ? text : `${text}.${rest.join('.')}`;
}

function entryId(section: string, entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  if (section === 'areas') return text(e.code);
  if (section === 'officers') return text(e.officerId);
  if (section === 'groups') return text(e.channel) && text(e.chatId) ? `${e.channel as string}:${e.chatId as string}` : undefined;
  return undefined;
}

function checkDuplicates(seed: ParsedSeed): void {
  const once = (section: string, ids: string[]): void => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new SeedError(`${section}: ${id} appears twice`);
      seen.add(id);
    }
  };
  once(
    'areas',
    seed.areas.map((a) => a.code),
  );
  once(
    'officers',
    seed.officers.map((o) => o.officerId),
  );
  once(
    'groups',
    seed.groups.map((g) => `${g.channel}:${g.chatId}`),
  );
  once(
    'groups (joinCode)',
    seed.groups.flatMap((g) => (g.joinCode === undefined ? [] : [g.joinCode.trim().toUpperCase()])),
  );
}

/** Every code the file mentions must be in the file or already in the database. */
async function checkReferences(store: Store, seed: ParsedSeed): Promise<void> {
  const parents = new Map(seed.areas.map((a) => [a.code, a.parentCode]));
  const known = async (code: string): Promise<boolean> => parents.has(code) || (await store.areas.byCode(code)) !== null;

  for (const area of seed.areas) {
    if (area.parentCode !== null && !(await known(area.parentCode))) {
      throw new SeedError(`areas (${area.code}): parent ${area.parentCode} is neither in the file nor in the database`);
    }
    const seen = new Set<string>([area.code]);
    for (let up: string | null | undefined = area.parentCode; up !== null && up !== undefined; up = parents.get(up)) {
      if (seen.has(up)) throw new SeedError(`areas (${area.code}): the parents form a cycle through ${up}`);
      seen.add(up);
    }
  }
  for (const officer of seed.officers) {
    for (const code of officer.areaCodes) {
      if (!(await known(code)))
        throw new SeedError(`officers (${officer.officerId}): area ${code} is neither in the file nor in the database`);
    }
  }
  for (const group of seed.groups) {
    if (group.areaCode !== null && !(await known(group.areaCode))) {
      throw new SeedError(`groups (${group.channel}:${group.chatId}): area ${group.areaCode} is neither in the file nor in the database`);
    }
  }
}
