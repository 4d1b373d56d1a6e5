import { describe, expect, it } from 'vitest';
import { runScenario } from './run-scenario.ts';
import { MirrorSet } from './mirrors.ts';

describe('engine state mirrors in a session', () => {
  it('accept every state a real TLS 1.3 run reports, with and without a HelloRetryRequest', async () => {
    for (const faults of [[], ['hrr-group'], ['cert-expired']] as const) {
      const trace = await runScenario({ scenario: 'smtp-starttls', faults: [...faults], options: { seed: '01' } });
      expect(trace.steps.filter((s) => s.kind === 'note' && s.name === 'state-machine-violation')).toEqual([]);
    }
  });

  it('record a transition that RFC 8446 Appendix A does not allow', () => {
    const mirrors = new MirrorSet();
    expect(mirrors.feed('client', [{ type: 'state', machine: 'tls13-client', state: 'WAIT_SH' }])).toEqual([]);
    // Skipping EncryptedExtensions and the certificate messages straight to Finished is not an edge.
    const violations = mirrors.feed('client', [{ type: 'state', machine: 'tls13-client', state: 'WAIT_FINISHED' }]);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/WAIT_SH -> WAIT_FINISHED is not a transition of RFC 8446 Appendix A/);
  });
});
