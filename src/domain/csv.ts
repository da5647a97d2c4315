/**
 * CSV as spreadsheet programs read it: RFC 4180 quoting, CRLF line ends, and a UTF-8 byte order
 * mark first, without which Excel opens UTF-8 as the local code page and Vietnamese turns to
 * mojibake ("Trá»™m"). A cell that starts like a formula (=, +, -, @) is prefixed with an
 * apostrophe so that opening the file never runs it (CSV injection).
 */
export const UTF8_BOM = '\uFEFF';

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line of cells with its CRLF: what a file written a row at a time (an export) appends. */
export function csvRow(row: readonly (string | number | null | undefined)[]): string {
  return `${row.map(csvCell).join(',')}\r\n`;
}

export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return UTF8_BOM + rows.map(csvRow).join('');
}
