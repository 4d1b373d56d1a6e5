/**
 * Same seed, same bytes: two runs of the same request with the same seed produce identical traces
 * (every message, record, secret and certificate), whether or not the certificates came from the
 * seeded cache; another seed changes them.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type RunRequest } from '../../src/machine/run-scenario.ts';

const requests: RunRequest[] = [
  { scenario: 'smtp-starttls', options: { seed: 'a1' } },
  { scenario: 'tls12', options: { seed: 'a1' } },
  { scenario: 'tls12-rsa', options: { seed: 'a1' } },
  { scenario: 'tls13', faults: ['cert-substitution'], options: { seed: 'a1' } },
  { scenario: 'smtp-plain', faults: ['greylisted'], options: { seed: 'a1' } },
];

describe('a seed reproduces a run byte for byte', () => {
  it.each(requests.map((r) => [`${r.scenario} ${r.faults?.join(',') ?? ''}`, r] as const))('%s', async (_name, request) => {
    const a = JSON.stringify(await runScenario(request));
    const b = JSON.stringify(await runScenario(request));
    expect(b).toBe(a);
    const other = JSON.stringify(await runScenario({ ...request, options: { seed: 'a2' } }));
    expect(other).not.toBe(a);
  });

  it('fresh runs differ from each other', async () => {
    const a = await runScenario({ scenario: 'tls13' });
    const b = await runScenario({ scenario: 'tls13' });
    const hello = (t: typeof a) => t.steps.find((s) => s.kind === 'message' && s.name === 'ClientHello');
    expect(hello(a)).toBeDefined();
    expect(JSON.stringify(hello(b))).not.toBe(JSON.stringify(hello(a)));
  });
});
