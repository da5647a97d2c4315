/**
 * What every message the bot sends must look like, whatever it was sent: readable text, within
 * the platform's limit, and no sign of a bug showing through ("undefined", "[object Object]",
 * "NaN", a locale key that was never translated such as "flow.expired", an i18next placeholder).
 * Returns the problem, or null when the words are fine.
 */
export function wordsProblem(text: unknown, limit: number, namespaces: readonly string[]): string | null {
  if (typeof text !== 'string') return `not text (${typeof text})`;
  if (text.trim() === '') return 'empty';
  if (text.length > limit) return `longer than ${limit} (${text.length})`;
  if (text.includes('undefined')) return 'contains "undefined"';
  if (text.includes('[object Object]')) return 'contains "[object Object]"';
  if (/\bNaN\b/.test(text)) return 'contains "NaN"';
  const rawKey = new RegExp(`(^|[^\\w/.-])(${namespaces.join('|')})\\.[a-z][A-Za-z0-9_.]*`).exec(text);
  if (rawKey) return `contains a raw locale key "${rawKey[0].trim()}"`;
  return null;
}
