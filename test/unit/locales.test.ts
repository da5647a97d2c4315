import { FLOWS, wordsOf } from '../../src/features/reporting/flows';
import { createTranslator, readLocale } from '../../src/i18n/translator';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}
/** Plural forms differ by language (Vietnamese has only "other"), so compare base keys. */
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');

describe('locales', () => {
  const vi = new Set(keys(readLocale('vi')).map(base));
  const en = new Set(keys(readLocale('en')).map(base));

  it('the welcome and the greeting say the bot is an automated system, in both languages (Zalo requires it)', () => {
    const t = createTranslator();
    for (const key of ['menu.welcome', 'understood.greeting']) {
      expect(t('vi', key)).toContain('hệ thống trả lời tự động');
      expect(t('en', key)).toContain('an automated system');
    }
  });

  it('vi and en have the same keys', () => {
    expect([...vi].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !vi.has(k))).toEqual([]);
  });

  it('every question, choice, field and category of the flows has words in both languages', () => {
    const needed = FLOWS.flatMap(wordsOf);
    expect(needed).toEqual(
      expect.arrayContaining(['menu.tip', 'group.button.mediation', 'categories.tip.theft', 'officer.resident.closed.mediation']),
    );
    const missing = needed.filter((k) => !vi.has(k) || !en.has(k));
    expect(missing).toEqual([]);
  });

  it('interpolates without HTML escaping (messages are plain text)', () => {
    const t = createTranslator();
    expect(t('en', 'flow.joined', { group: '<b>Tổ & 3</b>' })).toBe('Noted: you belong to <b>Tổ & 3</b>.');
    expect(t('vi', 'flow.attachmentCount', { count: 2 })).toBe('2 tệp đính kèm');
    expect(t('en', 'flow.attachmentCount', { count: 1 })).toBe('1 attachment');
  });
});

describe('reading a locale', () => {
  const { mkdtempSync, mkdirSync, writeFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
  const { join } = jest.requireActual<typeof import('node:path')>('node:path');
  const { tmpdir } = jest.requireActual<typeof import('node:os')>('node:os');

  function dirWith(files: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'locales-'));
    mkdirSync(join(dir, 'vi'));
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, 'vi', name), JSON.stringify(body));
    return dir;
  }

  it("merges one topic's subtree into another's instead of replacing it", () => {
    const dir = dirWith({ 'a.json': { dashboard: { web: { title: 'A' } } }, 'b.json': { dashboard: { map: { title: 'B' } } } });
    expect(readLocale('vi', dir)).toEqual({ dashboard: { web: { title: 'A' }, map: { title: 'B' } } });
  });

  it('refuses a key two files both define', () => {
    const dir = dirWith({ 'a.json': { menu: { hi: 'A' } }, 'b.json': { menu: { hi: 'B' } } });
    expect(() => readLocale('vi', dir)).toThrow('locales/vi/b.json: menu.hi is defined twice');
  });
});
