import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next from 'i18next';
import type { Lang } from '../conversations/messages';
import { LANGS } from '../domain/chat';
import type { Translate } from '../conversations/ports';

export { LANGS };

/** The repository's locales folder, found from this file whether run from src/ (tsx, jest) or dist/. */
export const LOCALES_DIR = join(__dirname, '..', '..', 'locales');

type Tree = Record<string, unknown>;
const isTree = (v: unknown): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `from` merged into `into`, subtree by subtree; a key both define as text is an error, not a silent overwrite. */
function mergeInto(into: Tree, from: Tree, file: string, path: string[] = []): void {
  for (const [key, value] of Object.entries(from)) {
    const here = into[key];
    if (isTree(here) && isTree(value)) mergeInto(here, value, file, [...path, key]);
    else if (here !== undefined) throw new Error(`${file}: ${[...path, key].join('.')} is defined twice`);
    else into[key] = value;
  }
}

/**
 * Every JSON file of one language, merged deeply (one file a topic keeps the locales readable,
 * and a topic may add a subtree to another's, as dashboard-map.json adds `dashboard.map`).
 */
export function readLocale(lang: Lang, dir = LOCALES_DIR): Record<string, unknown> {
  const merged: Tree = {};
  for (const file of readdirSync(join(dir, lang))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    mergeInto(merged, JSON.parse(readFileSync(join(dir, lang, file), 'utf8')) as Tree, `locales/${lang}/${file}`);
  }
  return merged;
}

/**
 * One i18next instance, initialised synchronously from the files, shared by every channel and
 * worker. Values are not HTML-escaped: the bot sends plain text everywhere (no parse_mode), so
 * residents' words can never turn into formatting, and escaping would show "&amp;" to people.
 * A missing key in English falls back to Vietnamese, the language every key exists in.
 */
export function createTranslator(dir = LOCALES_DIR): Translate {
  const instance = i18next.createInstance();
  void instance.init({
    resources: Object.fromEntries(LANGS.map((l) => [l, { translation: readLocale(l, dir) }])),
    lng: 'vi',
    fallbackLng: 'vi',
    supportedLngs: [...LANGS],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  const fixed = Object.fromEntries(LANGS.map((l) => [l, instance.getFixedT(l)]));
  return (lang, key, params) => fixed[lang](key, params ?? {}) as string;
}
