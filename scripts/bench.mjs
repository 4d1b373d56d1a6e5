#!/usr/bin/env node
// `npm run bench`: figures, not pass/fail. The median time of whole runs in Node and in Chromium,
// then the learner's view in Chromium (scripts/bench-ui.mjs): the first scenario's initial JS +
// CSS (gzip), the time from a click on Next to its frame, the longest task while a run plays.
// Budgets are printed beside the figures for comparison only.
import { spawnSync } from 'node:child_process';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  return r.stdout;
}

console.log('\nwhole runs in Node (median of repeated runs):');
process.stdout.write(run('npx', ['tsx', 'scripts/bench-node.ts']));

console.log('\nwhole runs in Chromium (median of repeated runs):');
{
  const r = spawnSync('node', ['scripts/bench-browser.mjs'], { stdio: 'inherit' });
  if (r.status !== 0) console.log('  (Chromium figures unavailable)');
}

// The learner's view: the first scenario's initial JS + CSS, click-to-frame, longest task; then
// the same load figure for the scenario the article is about, for comparison.
for (const args of [[], ['--scenario', 'smtp-starttls']]) {
  console.log('');
  const r = spawnSync('node', ['scripts/bench-ui.mjs', ...args], { stdio: 'inherit' });
  if (r.status !== 0) console.log('(browser figures unavailable)');
}
