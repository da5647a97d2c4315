/**
 * An area's cases for a period, as CSV (UTF-8 with BOM, opens in Excel with its Vietnamese
 * intact), and the counts reported upward printed on the terminal. Run through scripts/report;
 * reads MONGODB_URI. `scripts/report --help` prints the usage.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createTranslator } from '../i18n/translator';
import { ReportError, summaryText } from '../features/reports/case-report';
import { buildCaseReport } from '../features/reports/adapters/load-case-report';
import { connectDatabase } from '../store/connection';
import { createStore } from '../store/models';

const USAGE = `Usage: scripts/report --area CODE --from YYYY-MM-DD --to YYYY-MM-DD [--out FILE] [--lang vi|en]

  The cases of the area and every area below it received between the two days (both included,
  Vietnam time), one row each: code, kind, category, area, status, outcome, times, officer.
  No resident's words, contact or chat is written. The counts for the report upward (tips by
  category, disputes mediated successfully, median time to acknowledge) are printed.

  --out   where to write the CSV (default: report-CODE-FROM-TO.csv in the current folder)
  --lang  language of the headers and labels (default vi)

The database is MONGODB_URI; without one running: bash scripts/services -- bash scripts/report …`;

async function report(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      area: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const { area, from, to } = values;
  const lang = values.lang ?? 'vi';
  if (!area || !from || !to || (lang !== 'vi' && lang !== 'en')) {
    console.error(USAGE);
    return 2;
  }
  const uri = process.env.MONGODB_URI;
  if (!uri) {
    console.error('MONGODB_URI is not set: point it at the database (or run through scripts/services).');
    return 2;
  }
  const conn = await connectDatabase(uri);
  try {
    const t = createTranslator();
    const report = await buildCaseReport(createStore(conn), t, { areaCode: area, from, to, lang });
    const out = resolve(process.env.REPORT_CWD ?? process.cwd(), values.out ?? `report-${area}-${from}-${to}.csv`);
    writeFileSync(out, report.csv, 'utf8');
    console.log(summaryText(report.summary, t, lang));
    console.log(`\nCSV: ${out} (${report.summary.total} rows)`);
    return 0;
  } catch (err) {
    if (err instanceof ReportError) {
      console.error(`report: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await conn.close();
  }
}

/** `report …`: exit code 0 when written, 1 or 2 when not. */
export function main(args: string[]): Promise<number> {
  return report(args).catch((err: unknown) => {
    console.error(`report failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  });
}
