/**
 * Languages and their UI strings. English is bundled (it is the type's source and the first
 * paint); other languages load on demand, so the first page carries one language only.
 */
import { en, type Messages } from './en.ts';

export type { Messages };
export { en };

export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

/** Each language's own name, shown in the switch in that language. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', 'zh-CN': '简体中文' };

export function isLang(s: string): s is Lang {
  return (LANGS as readonly string[]).includes(s);
}

const cache = new Map<Lang, Messages>([['en', en]]);

/** The strings for `lang`, from the bundle or a lazily loaded chunk. */
export async function loadMessages(lang: Lang): Promise<Messages> {
  const hit = cache.get(lang);
  if (hit) return hit;
  const messages = lang === 'zh-CN' ? (await import('./zh-CN.ts')).zhCN : en;
  cache.set(lang, messages);
  return messages;
}
