import { describe, expect, it } from 'vitest';
import { escapeScript, escapeStyle, inlineHtml } from './inline-html.ts';

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <link rel="icon" href="./favicon.svg" type="image/svg+xml" />
    <script type="module" crossorigin src="./assets/index-abc.js"></script>
    <link rel="modulepreload" crossorigin href="./assets/chunk.js">
    <link rel="stylesheet" crossorigin href="./assets/index-abc.css">
  </head>
  <body><div id="app"></div></body>
</html>`;

const FILES: Record<string, string> = {
  './assets/index-abc.js': 'const a = "</script><!-- <link rel=\\"stylesheet\\" href=\\"x.css\\">";const b=`</SCRIPT>`;',
  './assets/index-abc.css': '.a::after{content:"</style>"}',
};

describe('the offline file', () => {
  it('inlines the module and the stylesheet, drops preloads and icons', () => {
    const out = inlineHtml({ html: PAGE, read: (p) => FILES[p] });
    expect(out).toContain('<script type="module">const a = "\\x3C/script>\\x3C!-- <link rel=\\"stylesheet\\" href=\\"x.css\\">";const b=`\\x3C/SCRIPT>`;</script>');
    expect(out).toContain('<style>.a::after{content:"\\3C /style>"}</style>');
    expect(out).not.toMatch(/modulepreload|favicon|crossorigin|src=/);
    // The text inside the script is code, not markup: the link it mentions stays as written.
    expect(out).toContain('<link rel=\\"stylesheet\\" href=\\"x.css\\">');
  });

  it('the escapes mean the same characters to JavaScript and CSS', () => {
    const js = 'x = ["</script>", `<!--`, /<\\/script/i.source]';
    expect(new Function(`return ${escapeScript(js).replace(/^x = /, '')}`)()).toEqual(new Function(`return ${js.replace(/^x = /, '')}`)());
    expect(escapeStyle('</STYLE>')).toBe('\\3C /STYLE>');
  });

  it('refuses a page that would still fetch something from beside it', () => {
    const page = PAGE.replace('<div id="app"></div>', '<img src="./logo.png" alt="">');
    expect(() => inlineHtml({ html: page, read: (p) => FILES[p] })).toThrow(/local reference is left: <img src=".\/logo.png"/);
  });
});
