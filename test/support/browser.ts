import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (scripts/setup installs it); playwright-core is pinned to its major and downloads nothing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Kept by CI with the rest of .local/ (ignored by git); the README's pictures come from here (scripts/screenshots). */
export const SHOTS = resolve(process.env.DASHBOARD_SCREENSHOTS ?? join(__dirname, '..', '..', '.local', 'screenshots'));

export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** axe on the page as shown: no WCAG 2 A/AA violation. Run over the debugger protocol, which the page's CSP does not govern. */
export async function accessible(page: Page): Promise<void> {
  await page.evaluate(axe.source);
  // A string, run in the page: this project's TypeScript knows no DOM.
  const violations = (await page.evaluate(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
    .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`)) as string[];
  expect(violations).toEqual([]);
}
