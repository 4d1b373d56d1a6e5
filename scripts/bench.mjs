#!/usr/bin/env node
// `npm run bench`: figures, not pass/fail. Prints the production build's initial JS + CSS (gzip),
// the median time of whole runs in Node, and — when scripts/bench-ui.mjs exists — the browser
// figures (Chromium). Budgets are printed beside the figures for comparison only.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  return r.stdout;
}

console.log('building…');
run('npx', ['vite', 'build', '--logLevel', 'error']);

// The initial load: what index.html references, and every chunk those import statically.
const html = readFileSync('dist/index.html', 'utf8');
const refs = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const seen = new Set();
const queue = [...refs];
while (queue.length) {
  const file = queue.shift();
  if (seen.has(file) || !existsSync(join('dist', file))) continue;
  seen.add(file);
  if (file.endsWith('.js')) {
    const code = readFileSync(join('dist', file), 'utf8');
    // Static imports only (`import ... from "./x.js"` / `import "./x.js"`), not `import("./x.js")`.
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
      queue.push(join(dirname(file), m[1]).replace(/^\.\//, ''));
    }
  }
}
let js = 0;
let css = 0;
for (const f of seen) {
  const gz = gzipSync(readFileSync(join('dist', f))).length;
  if (f.endsWith('.css')) css += gz;
  else js += gz;
}
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
console.log(`initial load (gzip): JS ${kb(js)} + CSS ${kb(css)} = ${kb(js + css)}   (budget 100 KB; ${seen.size} files)`);

console.log('\nwhole runs in Node (median of repeated runs):');
process.stdout.write(run('npx', ['tsx', 'scripts/bench-node.ts']));

if (existsSync('scripts/bench-ui.mjs')) {
  console.log('\nin Chromium:');
  const r = spawnSync('node', ['scripts/bench-ui.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) console.log('(browser figures unavailable)');
}
