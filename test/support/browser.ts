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

/**
 * A phone-sized browser context that fetches only from the app at `port`: anything else (a font, a
 * script, a tracker, a tile) is aborted and its URL pushed to `blocked`, so a test can show none
 * was ever asked for.
 */
export async function appOnlyContext(browser: Browser, port: number, blocked: string[], opts: { acceptDownloads?: boolean } = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, ...opts });
  const origin = `http://127.0.0.1:${port}`;
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(`${origin}/`)) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  return context;
}
