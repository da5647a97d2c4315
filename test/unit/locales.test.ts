import { MEDIATION_KINDS, TIP_CATEGORIES } from '../../src/domain/case-kinds';
import { mediationFlow } from '../../src/features/reporting/flows/mediation.flow';
import { tipFlow } from '../../src/features/reporting/flows/tip.flow';
import { createTranslator, readLocale } from '../../src/i18n/translator';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
/** Plural forms differ by language (Vietnamese has only "other"), so compare base keys. */
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');

describe('locales', () => {
  const vi = new Set(keys(readLocale('vi')).map(base));
  const en = new Set(keys(readLocale('en')).map(base));

  it('vi and en have the same keys', () => {
    expect([...vi].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !vi.has(k))).toEqual([]);
  });

  it('every question, choice, field and category of the flows has words in both languages', () => {
    const needed: string[] = [];
    for (const flow of [tipFlow, mediationFlow]) {
      needed.push(`${flow.id}.intro`, `${flow.id}.received`, flow.summaryTitle);
      for (const step of flow.steps) {
        needed.push(step.prompt, `fields.${step.id}`);
        if (step.kind === 'choice') needed.push(...step.choices.map((c) => `${step.labels}.${c}`));
      }
    }
    needed.push(...TIP_CATEGORIES.map((c) => `categories.tip.${c}`), ...MEDIATION_KINDS.map((c) => `categories.mediation.${c}`));
    const missing = needed.filter((k) => k !== 'fields.confirm' && (!vi.has(k) || !en.has(k)));
    expect(missing).toEqual([]);
  });

  it('interpolates without HTML escaping (messages are plain text)', () => {
    const t = createTranslator();
    expect(t('en', 'flow.joined', { group: '<b>Tổ & 3</b>' })).toBe('Noted: you belong to <b>Tổ & 3</b>.');
    expect(t('vi', 'flow.attachmentCount', { count: 2 })).toBe('2 tệp đính kèm');
    expect(t('en', 'flow.attachmentCount', { count: 1 })).toBe('1 attachment');
  });
});
