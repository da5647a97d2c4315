/**
 * Usage: node --import tsx scripts/check-imports.ts
 *
 * Checks that imports between the folders of src/ point the right way (docs/design.md): the rules of
 * the domain know nothing else, conversations know no storage, queue or platform, storage knows no
 * platform or wiring, and only the composition root (src/main.ts) reaches into src/app. Every
 * import counts, `import type` too: a type-only import still ties one layer's code to another's.
 * Exits 1 listing each import that breaks a rule. Run by scripts/test, before jest.
 *
 * The tables below are the part to edit as folders move.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * A path is relative to the repository root and covers itself and, for a folder, everything under
 * it ('src/store' covers src/store/cases/case.schema.ts). A package is written 'pkg:NAME' and covers
 * NAME and NAME/anything; a Node built-in is written 'node:NAME' ('fs' and 'node:fs' alike).
 */
export interface Rule {
  /** Shown with each import that breaks the rule. */
  name: string;
  /** The importing files the rule is about. */
  files: string[];
  /** Importing files left out of `files`. */
  except?: string[];
  /** What those files must not import. */
  forbid?: string[];
  /** Or: all that they may import; anything else breaks the rule. */
  only?: string[];
  /** Or: a pattern ending in `*` whose folders are kept apart: a file in one may not import from another. */
  apart?: string;
  /** Targets the rule lets through even though `forbid` or `apart` covers them. */
  allow?: string[];
}

const PLATFORM_PACKAGES = ['pkg:bullmq', 'pkg:ioredis', 'pkg:mongoose', 'pkg:telegraf', 'pkg:axios'];
/** What a conversation (the core's or a feature's) must not reach: it decides what to say, others store, queue and send. */
const NO_IO = [
  'src/store',
  'src/redis',
  'src/queues',
  'src/outbox',
  'src/ops',
  'src/channels',
  'src/http',
  'src/app',
  ...PLATFORM_PACKAGES,
];
/** How any layer may speak of telling the operators: the port's types, which do no I/O (src/ops sends). */
const OPS_PORT = 'src/ops/port.ts';
/** A feature's parts that talk to storage, queues and platforms; the rest of the feature may not. */
const FEATURE_IO = ['src/features/*/adapters', 'src/features/*/workers', 'src/features/*/wiring.ts'];
/** The flows and the kinds of case they declare: data every layer may read (docs/design.md). */
const FLOWS = 'src/features/reporting/flows';

export const RULES: Rule[] = [
  {
    name: 'src/domain is pure rules: it imports nothing outside src/domain',
    files: ['src/domain'],
    only: ['src/domain'],
  },
  {
    name: 'src/conversations decides what to say, not how it is stored, queued or sent, and knows no feature but the flows',
    files: ['src/conversations'],
    forbid: [...NO_IO, 'src/features'],
    allow: [FLOWS, OPS_PORT],
  },
  {
    name: "a feature's conversation, ports and rendering know no storage, queue or platform: those are its adapters', workers' and wiring's",
    files: ['src/features'],
    except: FEATURE_IO,
    forbid: NO_IO,
    allow: [OPS_PORT],
  },
  {
    name: 'a feature imports no other feature (the flows excepted): what two features share belongs in src/conversations or src/domain',
    files: ['src/features'],
    apart: 'src/features/*',
    allow: [FLOWS],
  },
  {
    name: 'storage and queues (src/store, src/redis, src/queues) know no platform, server, feature or wiring',
    files: ['src/store', 'src/redis', 'src/queues'],
    forbid: ['src/app', 'src/channels', 'src/http', 'src/features', 'src/ops'],
    allow: [FLOWS],
  },
  {
    name: 'src/channels talks to the platforms, not to the database, the features, the outbox or the wiring',
    files: ['src/channels'],
    forbid: ['src/store', 'src/features', 'src/outbox', 'src/ops', 'src/app'],
  },
  {
    name: "the outbox sends what features render; it knows no feature's conversation, adapters or wiring",
    files: ['src/outbox'],
    forbid: ['src/app', 'src/features', 'src/ops'],
    allow: [FLOWS, 'src/features/*/render.ts', 'src/features/*/alerts.ts'],
  },
  {
    // Added with the operators' chat (issue 16): one folder that every layer may tell, through its
    // port or the wiring's callbacks, and that itself only queues on the outbox. Were it to read the
    // database or call a platform, an outage of either could not be told.
    name: 'src/ops tells the operators through the outbox: it knows no feature, platform channel, storage, server or wiring',
    files: ['src/ops'],
    forbid: ['src/app', 'src/features', 'src/channels', 'src/http', 'src/store'],
  },
  {
    name: "src/cli holds the operators' commands: only the composition root (src/main.ts) starts them",
    files: ['src'],
    except: ['src/main.ts', 'src/cli'],
    forbid: ['src/cli'],
  },
  {
    name: 'src/metrics measures what others tell it: it knows no storage, feature, outbox or wiring',
    files: ['src/metrics'],
    forbid: ['src/app', 'src/features', 'src/store', 'src/outbox', 'pkg:mongoose', 'pkg:telegraf', 'pkg:axios'],
  },
  {
    name: "src/app is the wiring: only the composition roots (src/main.ts, the operators' commands in src/cli) and the features' wiring import it",
    files: ['src'],
    except: ['src/main.ts', 'src/app', 'src/features/*/wiring.ts', 'src/cli'],
    forbid: ['src/app'],
  },
];

/**
 * Known imports that break a rule today, each with why it is there. Keep it short: an entry that no
 * longer matches an import fails the check, so fixing an import means deleting its line here.
 * `file` is the importing file, `target` what the import resolves to, in the notation above.
 */
export interface Allowed {
  file: string;
  target: string;
  why: string;
}

export const ALLOWED: Allowed[] = [
  // AES-GCM for tipsters' contact details at rest. node:crypto only computes (no I/O), but it is
  // outside src/domain and randomBytes makes seal() non-deterministic: a candidate to move next to
  // its users, or to take the nonce source as a parameter.
  { file: 'src/domain/sealed-box.ts', target: 'node:crypto', why: 'encryption at rest needs AES-GCM and random nonces' },
  { file: 'src/domain/keyed-hash.ts', target: 'node:crypto', why: 'key names and the erasure index need HMAC-SHA-256' },
  { file: 'src/domain/invite-code.ts', target: 'node:crypto', why: "officers' invite codes need random bytes and SHA-256" },
];

export interface Violation {
  /** The importing file, relative to the root. */
  file: string;
  line: number;
  /** The import as written. */
  specifier: string;
  /** What it resolves to: a path relative to the root, or 'pkg:NAME'. */
  target: string;
  rule: string;
}

export interface Report {
  violations: Violation[];
  /** Allow-list entries that matched no import: the import was fixed or moved, so drop the entry. */
  stale: Allowed[];
}

/** A pattern's `*` stands for one folder or file name. */
function patternRegex(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^(${body})(/|\\.(ts|json)$|$)`);
}

/** Does `path` (a file, or 'pkg:NAME') fall under `pattern`? */
function covers(pattern: string, path: string): boolean {
  if (/^(pkg|node):/.test(pattern) || /^(pkg|node):/.test(path)) return pattern === path;
  return patternRegex(pattern).test(path);
}

/** The folder of `apart` (a pattern ending in `*`) that `path` is in, if any. */
function apartFolder(apart: string, path: string): string | undefined {
  return patternRegex(apart).exec(path)?.[1];
}

function breaks(rule: Rule, file: string, target: string): boolean {
  if (!rule.files.some((p) => covers(p, file)) || (rule.except ?? []).some((p) => covers(p, file))) return false;
  if ((rule.allow ?? []).some((p) => covers(p, target))) return false;
  if (rule.only && !rule.only.some((p) => covers(p, target))) return true;
  if (rule.apart) {
    const [from, to] = [apartFolder(rule.apart, file), apartFolder(rule.apart, target)];
    if (from && to && from !== to) return true;
  }
  return (rule.forbid ?? []).some((p) => covers(p, target));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.isFile() && e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier in a file: imports and re-exports (type-only too), require(), import(). */
function specifiers(source: ts.SourceFile): { text: string; pos: number }[] {
  const found: { text: string; pos: number }[] = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node)) found.push({ text: node.text, pos: node.getStart(source) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative specifier as the file it names (as TypeScript would find it), else its package. */
function resolveTarget(root: string, file: string, specifier: string): string {
  if (!specifier.startsWith('.')) {
    const bare = specifier.replace(/^node:/, '').split('/');
    if (specifier.startsWith('node:') || builtinModules.includes(bare[0])) return `node:${bare[0]}`;
    return `pkg:${specifier.startsWith('@') ? bare.slice(0, 2).join('/') : bare[0]}`;
  }
  const base = resolve(dirname(file), specifier);
  const candidates = [`${base}.ts`, join(base, 'index.ts'), base];
  // Unresolved (say, a file moved under the import): judge by the path as written.
  const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
  return relative(root, hit).split(sep).join('/');
}

/** Checks every .ts file under `root`/src against `rules`, leaving out what `allowed` lists. */
export function checkImports(root: string, rules: Rule[] = RULES, allowed: Allowed[] = ALLOWED): Report {
  const violations: Violation[] = [];
  const used = new Set<Allowed>();
  for (const path of tsFiles(join(root, 'src')).sort()) {
    const file = relative(root, path).split(sep).join('/');
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const { text, pos } of specifiers(source)) {
      const target = resolveTarget(root, path, text);
      const exception = allowed.find((a) => a.file === file && a.target === target);
      for (const rule of rules) {
        if (!breaks(rule, file, target)) continue;
        if (exception) used.add(exception);
        else violations.push({ file, line: source.getLineAndCharacterOfPosition(pos).line + 1, specifier: text, target, rule: rule.name });
      }
    }
  }
  return { violations, stale: allowed.filter((a) => !used.has(a)) };
}

function main(): void {
  const { violations, stale } = checkImports(resolve(__dirname, '..'));
  for (const v of violations) console.error(`${v.file}:${v.line} → '${v.specifier}' (${v.target}): ${v.rule}`);
  for (const a of stale) console.error(`allow-list entry ${a.file} → ${a.target} matches no import that breaks a rule: remove it`);
  if (violations.length || stale.length) {
    console.error(`check-imports: ${violations.length} import(s) point the wrong way, ${stale.length} stale allow-list entr(y/ies)`);
    process.exit(1);
  }
  console.log('check-imports: every import in src/ points the right way');
}

if (require.main === module) main();
