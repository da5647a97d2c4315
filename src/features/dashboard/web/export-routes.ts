import { PassThrough, Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { caseColumnHeader, caseColumnRow, type ReportedCase } from '../../../conversations/case-columns';
import type { Lang } from '../../../conversations/messages';
import type { Translate } from '../../../conversations/ports';
import { csvRow, UTF8_BOM } from '../../../domain/csv';
import { VIETNAM_OFFSET_MS } from '../../../domain/time';
import type { DashboardRoutesDeps, WebGuard } from './guard';
import { html } from './html';
import { layout } from './pages';
import { parseListQuery, toCaseFilter } from './filters';

const FORMATS = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
type Format = keyof typeof FORMATS;

/** Rows written to the answer at a time. */
const CHUNK_ROWS = 200;

/**
 * Exports of exactly the list's filter (the form's hidden fields), as CSV or Excel, with the
 * operators' report's columns (conversations/case-columns.ts): no resident's words, contact or
 * chat. A POST with the CSRF token, recorded in the audit log before a row is written; the cases
 * are read from a cursor and streamed, so a large export holds only a batch at a time.
 */
export function exportRoutes(app: FastifyInstance, deps: DashboardRoutesDeps, g: WebGuard): void {
  app.post('/dashboard/export', async (req, reply) => {
    const s = await g.signedIn(req, reply);
    if (!s || !g.checked(req, reply, s)) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const format: Format = body.format === 'xlsx' ? 'xlsx' : 'csv';
    const query = parseListQuery(body);
    const { offset, limit, ...filter } = toCaseFilter(query, 1);
    const [{ total, rows }, areas] = await Promise.all([deps.desk.exportCases(s.staff, filter), deps.desk.areasOf(s.staff)]);
    const p = g.page(s.lang);
    if (total > deps.exportMaxRows) {
      const title = p.t(s.lang, 'dashboard.export.tooLarge.title');
      const text = p.t(s.lang, 'dashboard.export.tooLarge.text', { total, max: deps.exportMaxRows });
      return g.send(
        reply,
        413,
        layout(
          p,
          title,
          html`<h1>${title}</h1>
            <p>${text}</p>`,
          await g.signedPage(s),
          s.langParam,
        ),
      );
    }
    await deps.audit.record({
      actor: s.staff.actingAs,
      action: 'export',
      channel: 'web',
      areaCodes: s.staff.areaCodes,
      detail: { format, rows: total },
    });
    deps.log('dashboard.export', { officerId: s.staff.officerId ?? '', format, rows: total });
    const names = new Map(areas.map((a) => [a.code, a.name]));
    const lang = query.lang ?? s.lang;
    const day = new Date(Date.now() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
    reply.header('content-disposition', `attachment; filename="cases-${day}.${format}"`).type(FORMATS[format]);
    return reply.send(format === 'csv' ? csvStream(rows, deps.t, lang, names) : xlsxStream(rows, deps.t, lang, names));
  });
}

function csvStream(rows: AsyncIterable<ReportedCase>, t: Translate, lang: Lang, names: ReadonlyMap<string, string>): Readable {
  return Readable.from(
    (async function* () {
      yield UTF8_BOM + csvRow(caseColumnHeader(t, lang));
      let chunk = '';
      let n = 0;
      for await (const c of rows) {
        chunk += csvRow(caseColumnRow(c, t, lang, names));
        if (++n % CHUNK_ROWS === 0) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    })(),
  );
}

/**
 * Excel's own file, written as a stream (exceljs's WorkbookWriter, rows committed as they come).
 * Every text is a text cell, never a formula, so a value that starts with '=' opens as it reads.
 */
function xlsxStream(rows: AsyncIterable<ReportedCase>, t: Translate, lang: Lang, names: ReadonlyMap<string, string>): PassThrough {
  const out = new PassThrough();
  void (async () => {
    // exceljs and what it brings (zip, archiver, about 30 MiB resident) is loaded at the first
    // Excel export, not in every bot process at start-up.
    const { default: ExcelJS } = await import('exceljs');
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const sheet = book.addWorksheet(t(lang, 'dashboard.export.sheet'));
    sheet.addRow(caseColumnHeader(t, lang)).commit();
    for await (const c of rows) {
      // The reader went away: stop reading the cases (leaving the loop closes the cursor).
      if (out.destroyed) return;
      sheet.addRow(caseColumnRow(c, t, lang, names)).commit();
    }
    sheet.commit();
    await book.commit();
  })().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
}
