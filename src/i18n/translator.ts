import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next from 'i18next';
import type { Lang } from '../conversations/messages';
import { LANGS } from '../domain/chat';
import type { Translate } from '../conversations/ports';

export { LANGS };

/** The repository's locales folder, found from this file whether run from src/ (tsx, jest) or dist/. */
export const LOCALES_DIR = join(__dirname, '..', '..', 'locales');

/** Every JSON file of one language, merged (one file a topic keeps the locales readable). */
export function readLocale(lang: Lang, dir = LOCALES_DIR): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const file of readdirSync(join(dir, lang))
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    Object.assign(merged, JSON.parse(readFileSync(join(dir, lang, file), 'utf8')));
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
