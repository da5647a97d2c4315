/**
 * Loads seed data (areas, officers, groups) into the database named by MONGODB_URI.
 * Usage: scripts/seed [--force] [file]   (default scripts/seed-data/ward.json; run it as often as you like)
 * The sample ward is refused where the database already holds officers or areas it does not have
 * (a real deployment's) unless --force says so: its made-up officers would be sent real tips.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { connectDatabase } from '../store/connection';
import { createStore } from '../store/models';
import { loadSeed, recordsNotIn } from '../store/seed';

// scripts/seed-data sits beside src/ in the repository and beside dist/ in the image.
const SAMPLE = path.join(__dirname, '..', '..', 'scripts', 'seed-data', 'ward.json');

async function seed(args: string[]): Promise<void> {
  const force = args.includes('--force');
  const file = path.resolve(args.find((a) => a !== '--force') ?? SAMPLE);
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('MONGODB_URI is not set: run `bash scripts/services -- bash scripts/seed [file]`, or set it to your database');

  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }

  const conn = await connectDatabase(uri);
  try {
    const store = createStore(conn);
    if (file === SAMPLE && !force) {
      const foreign = await recordsNotIn(store, data);
      if (foreign.officers > 0 || foreign.areas > 0) {
        throw new Error(
          `refused: this database already holds ${foreign.officers} officer(s) and ${foreign.areas} area(s) that are not in the sample ward, ` +
            "so it looks like real data, and the sample's made-up officers would be sent real tips. " +
            'Load your own file (scripts/seed your-ward.json), or add --force to load the sample anyway.',
        );
      }
    }
    const counts = await loadSeed(store, data);
    console.log(
      `seeded from ${path.relative(process.cwd(), file) || file}: ${counts.areas} areas, ${counts.officers} officers, ${counts.groups} groups`,
    );
  } finally {
    await conn.close();
  }
}

/** `seed [--force] [file]`: exit code 0 when loaded, 1 when refused or failed. */
export function main(args: string[]): Promise<number> {
  return seed(args).then(
    () => 0,
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      return 1;
    },
  );
}
