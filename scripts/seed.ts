/**
 * Loads seed data (areas, officers, groups) into the database named by MONGODB_URI.
 * Usage: scripts/seed [file]   (default scripts/seed-data/ward.json; run it as often as you like)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { connectDatabase } from '../src/store/connection';
import { createStore } from '../src/store/models';
import { loadSeed } from '../src/store/seed';

async function main(): Promise<void> {
  const file = path.resolve(process.argv[2] ?? path.join(__dirname, 'seed-data', 'ward.json'));
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
    const counts = await loadSeed(createStore(conn), data);
    console.log(
      `seeded from ${path.relative(process.cwd(), file) || file}: ${counts.areas} areas, ${counts.officers} officers, ${counts.groups} groups`,
    );
  } finally {
    await conn.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
