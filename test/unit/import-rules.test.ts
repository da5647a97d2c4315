import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkImports, type Allowed } from '../../scripts/check-imports';

/**
 * The import-rule checker (scripts/check-imports.ts, run by scripts/test) on a tiny tree of its own,
 * with the project's real rule table: if the checker stopped seeing wrong-way imports, the real
 * check would pass whatever src/ imports.
 */
describe('import rules', () => {
  let root: string;
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'import-rules-'));
    write('src/domain/rules.ts', "import { words } from './text';\nexport const rule = words;\n");
    write('src/domain/text.ts', 'export const words = 1;\n');
    write('src/store/index.ts', 'export const db = 1;\n');
    write('src/store/cases/case.repository.ts', "import { rule } from '../../domain/rules';\nexport const repo = rule;\n");
    write('src/app/bot.ts', "import { repo } from '../store/cases/case.repository';\nexport const bot = repo;\n");
    write('src/main.ts', "import { bot } from './app/bot';\nexport default bot;\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  // The real rule table; the real allow-list names src/ files that the fixture does not have.
  const check = (allowed: Allowed[] = []) => checkImports(root, undefined, allowed);
  const broken = (allowed: Allowed[] = []) => check(allowed).violations.map((v) => `${v.file}:${v.line} ${v.specifier} -> ${v.target}`);

  it('passes imports that point inwards, and src/main.ts reaching into src/app', () => {
    write('src/conversations/flow.ts', "import { rule } from '../domain/rules';\nimport { z } from 'zod';\nexport const f = [rule, z];\n");
    expect(check()).toEqual({ violations: [], stale: [] });
  });

  it('reports a wrong-way import with its file, line, target and rule', () => {
    write('src/domain/leak.ts', "// reads the database\nimport { repo } from '../store/cases/case.repository';\nexport const x = repo;\n");
    const { violations } = check();
    expect(violations).toEqual([
      {
        file: 'src/domain/leak.ts',
        line: 2,
        specifier: '../store/cases/case.repository',
        target: 'src/store/cases/case.repository.ts',
        rule: expect.stringContaining('src/domain'),
      },
    ]);
  });

  it('counts type-only imports, re-exports, folder imports, packages, built-ins and import() types alike', () => {
    write(
      'src/conversations/service.ts',
      [
        "import type { repo } from '../store/cases/case.repository';",
        "export { db } from '../store';",
        "import { Queue } from 'bullmq';",
        "import type { Context } from 'telegraf/typings/context';",
        "export type Bot = typeof import('../app/bot').bot;",
        'export const q = Queue;',
        'export type T = typeof repo | Context;',
      ].join('\n'),
    );
    write('src/domain/clock.ts', "import { setTimeout } from 'node:timers/promises';\nexport const wait = setTimeout;\n");
    expect(broken()).toEqual([
      'src/conversations/service.ts:1 ../store/cases/case.repository -> src/store/cases/case.repository.ts',
      'src/conversations/service.ts:2 ../store -> src/store/index.ts',
      'src/conversations/service.ts:3 bullmq -> pkg:bullmq',
      'src/conversations/service.ts:4 telegraf/typings/context -> pkg:telegraf',
      // Two rules: conversations must not import src/app, and nothing but src/main.ts may.
      'src/conversations/service.ts:5 ../app/bot -> src/app/bot.ts',
      'src/conversations/service.ts:5 ../app/bot -> src/app/bot.ts',
      'src/domain/clock.ts:1 node:timers/promises -> node:timers',
    ]);
  });

  it('keeps src/app to the composition root, and storage away from the platforms', () => {
    write('src/workers/job.ts', "import { bot } from '../app/bot';\nexport const j = bot;\n");
    write('src/redis/cache.ts', "import { send } from '../channels/sender';\nexport const c = send;\n");
    write('src/channels/sender.ts', "import { db } from '../store';\nexport const send = db;\n");
    expect(broken()).toEqual([
      'src/channels/sender.ts:1 ../store -> src/store/index.ts',
      'src/redis/cache.ts:1 ../channels/sender -> src/channels/sender.ts',
      'src/workers/job.ts:1 ../app/bot -> src/app/bot.ts',
    ]);
  });

  it("keeps a feature's conversation off storage, and features apart, but lets its adapters, workers and wiring do their part", () => {
    write('src/features/reporting/flows/index.ts', 'export const FLOWS = [];\n');
    write('src/features/faq/adapters/misses.ts', "import { db } from '../../../store';\nexport const m = db;\n");
    write(
      'src/features/faq/wiring.ts',
      "import { m } from './adapters/misses';\nimport { bot } from '../../app/bot';\nexport const w = [m, bot];\n",
    );
    write(
      'src/features/faq/faq-feature.ts',
      "import { db } from '../../store';\nimport { FLOWS } from '../reporting/flows';\nexport const f = [db, FLOWS];\n",
    );
    write('src/features/broadcast/broadcast-feature.ts', "import { f } from '../faq/faq-feature';\nexport const b = f;\n");
    write(
      'src/store/report.ts',
      "import { FLOWS } from '../features/reporting/flows';\nimport { b } from '../features/broadcast/broadcast-feature';\nexport const r = [FLOWS, b];\n",
    );
    expect(broken()).toEqual([
      'src/features/broadcast/broadcast-feature.ts:1 ../faq/faq-feature -> src/features/faq/faq-feature.ts',
      'src/features/faq/faq-feature.ts:1 ../../store -> src/store/index.ts',
      'src/store/report.ts:2 ../features/broadcast/broadcast-feature -> src/features/broadcast/broadcast-feature.ts',
    ]);
  });

  it('lets an allow-list entry through, and reports one that no longer matches', () => {
    write('src/domain/box.ts', "import { randomBytes } from 'node:crypto';\nexport const r = randomBytes;\n");
    const box = { file: 'src/domain/box.ts', target: 'node:crypto', why: 'test' };
    const gone = { file: 'src/domain/rules.ts', target: 'src/store/index.ts', why: 'fixed since' };
    expect(check([box, gone])).toEqual({ violations: [], stale: [gone] });
    expect(broken()).toEqual(['src/domain/box.ts:1 node:crypto -> node:crypto']);
  });
});
