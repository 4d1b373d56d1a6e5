// Median wall time of whole simulated runs in Node: engines, certificates generated and checked,
// the session on the virtual clock, the trace recorded. Printed, never judged.
import { performance } from 'node:perf_hooks';
import { runScenario, type RunRequest } from '../src/machine/run-scenario.ts';

const cases: [string, RunRequest][] = [
  ['smtp-plain', { scenario: 'smtp-plain', options: { seed: '00' } }],
  ['tls13 (seed)', { scenario: 'tls13', options: { seed: '00' } }],
  ['tls13 (fresh keys)', { scenario: 'tls13' }],
  ['smtp-starttls TLS 1.3 (seed)', { scenario: 'smtp-starttls', options: { seed: '00' } }],
  ['smtp-starttls TLS 1.3 (fresh keys)', { scenario: 'smtp-starttls' }],
  ['tls12 (seed)', { scenario: 'tls12', options: { seed: '00' } }],
  ['tls12-rsa (seed)', { scenario: 'tls12-rsa', options: { seed: '00' } }],
];

for (const [name, request] of cases) {
  const times: number[] = [];
  try {
    await runScenario(request); // warm-up (JIT, key caches)
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await runScenario(request);
      times.push(performance.now() - t);
    }
  } catch (e) {
    console.log(`  ${name.padEnd(36)} not available: ${e instanceof Error ? e.message : e}`);
    continue;
  }
  times.sort((a, b) => a - b);
  console.log(`  ${name.padEnd(36)} median ${times[7].toFixed(1)} ms   (min ${times[0].toFixed(1)}, max ${times[14].toFixed(1)})`);
}
