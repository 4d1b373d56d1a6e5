/**
 * The offline file: the app's one-chunk build (index.html, one script, one stylesheet) folded
 * into a single HTML document that runs opened from disk. Pure: file contents in, text out.
 *
 * Script text inside `<script>` ends at the first `</script` (any case), and `<!--` can switch the
 * HTML parser into a state where that happens later than it should; both are written with the
 * `<` as the JavaScript escape `\x3C`. Those sequences only occur inside string, template or
 * regular-expression literals in minified code, where `\x3C` means the same character.
 * The same holds for `</style` in the stylesheet (CSS escape `\3C `).
 */

export interface InlineInput {
  html: string;
  /** Reads a file the HTML references (path relative to the HTML, e.g. `./assets/index-x.js`). */
  read: (path: string) => string;
}

export function escapeScript(js: string): string {
  return js.replace(/<(\/script|!--)/gi, '\\x3C$1');
}

export function escapeStyle(css: string): string {
  return css.replace(/<(\/style)/gi, '\\3C $1');
}

/** Inline every module script and stylesheet the page references; other local links are dropped. */
export function inlineHtml({ html, read }: InlineInput): string {
  // One pass over the page's own markup: what is inlined is never searched again.
  const tag = /<script\b([^>]*?)\bsrc="([^"]+)"([^>]*)><\/script>|<link\b[^>]*>\s*/g;
  const out = html.replace(tag, (whole: string, before?: string, src?: string, after?: string) => {
    if (src !== undefined) {
      const attrs = `${before ?? ''} ${after ?? ''}`.replace(/\bcrossorigin\b(="[^"]*")?/g, '').replace(/\s+/g, ' ').trim();
      return `<script ${attrs}>${escapeScript(read(src))}</script>`;
    }
    const rel = /\brel="([^"]+)"/.exec(whole)?.[1];
    const href = /\bhref="([^"]+)"/.exec(whole)?.[1];
    if (rel === 'stylesheet' && href) return `<style>${escapeStyle(read(href))}</style>`;
    // Module preloads and icons point at files the single file does not bring along.
    if (rel === 'modulepreload' || rel === 'icon') return '';
    return whole;
  });
  // Anything else the page would fetch from beside it is missing from a single file.
  const markup = html.replace(tag, '');
  const left = /<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)="(?!https?:|data:|#)[^"]*"/.exec(markup);
  if (left) throw new Error(`inline-html: a local reference is left: ${left[0]}`);
  return out;
}
