import { Schema } from 'mongoose';
import type { AreaBoundary } from '../../domain/area-boundary';

/**
 * A place in the administrative tree: province → ward/commune (đặc khu) → residential group (tổ dân
 * phố, thôn, ấp, bản). Since July 2025 Vietnam has two tiers of local government, but reforms keep
 * coming, so the tree has as many levels as the data says and `kind` is a free label.
 */
export interface Area {
  /** Stable, lowercase, URL- and callback-safe: `[a-z0-9-]`, e.g. 'kp1-to3'. */
  code: string;
  /** The name people use, in Vietnamese: 'Khu phố 1 – Tổ dân phố 3'. */
  name: string;
  /** 'province', 'ward', 'commune', 'residential-group', …; never compared against a fixed list. */
  kind: string;
  /** The enclosing area, or null for a root (a province). */
  parentCode: string | null;
  /** Its outline for the dashboard's map (domain/area-boundary.ts), when an operator gave one. */
  boundary?: AreaBoundary;
}

/** Lowercase letters, digits and inner hyphens, at most 64 characters. */
export const AREA_CODE_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export const areaSchema = new Schema<StoredArea>(
  {
    code: { type: String, required: true, unique: true, match: AREA_CODE_PATTERN },
    name: { type: String, required: true },
    kind: { type: String, required: true },
    parentCode: { type: String, default: null, index: true },
    // GeoJSON text, checked by domain/area-boundary `parseBoundary` before it is written: FerretDB
    // 1.24 stores no nested arrays, and nothing queries the outline (the map only draws it).
    boundary: { type: String },
  },
  { collection: 'areas', versionKey: false },
);

/** An area as the collection holds it: the boundary as GeoJSON text (see the schema). */
export type StoredArea = Omit<Area, 'boundary'> & { boundary?: string };
