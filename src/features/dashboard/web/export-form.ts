import type { Lang } from '../../../conversations/messages';
import { html, type Html } from './html';
import type { PageContext } from './pages';

/**
 * The export buttons: a POST (an export is recorded in the audit log, and nothing is recorded on
 * a GET) carrying the CSRF token and exactly the filters of the page it is on.
 */
export function exportForm(
  p: PageContext,
  csrf: string,
  filters: { status?: string; category?: string; area?: string; from?: string; to?: string; q?: string; lang?: Lang },
): Html {
  const t = (key: string) => p.t(p.lang, `dashboard.export.${key}`);
  return html`<form method="post" action="/dashboard/export" class="export" aria-label="${t('label')}">
    <input type="hidden" name="_csrf" value="${csrf}" />
    ${Object.entries(filters).map(([k, v]) => (v ? html`<input type="hidden" name="${k}" value="${v}" />` : ''))}
    <span>${t('label')}:</span>
    <button type="submit" name="format" value="csv">${t('csv')}</button>
    <button type="submit" name="format" value="xlsx">${t('xlsx')}</button>
  </form>`;
}
