import { describe, expect, it } from 'vitest';
import { createActor, transition } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { createWebCryptoProvider } from '../crypto/webcrypto-provider.ts';
import { freshEntropy } from '../crypto/entropy.ts';
import { Tls13Client } from '../protocol/tls13/client.ts';
import { Tls13Server } from '../protocol/tls13/server.ts';
import { eventsOf, runPair } from '../../test/support/tls13-pair.ts';
import { testCertificate } from '../../test/support/tls-certs.ts';
import { trustingVerifier } from '../../test/support/trusting-verifier.ts';
import { TLS13_CLIENT_STATES, tls13ClientMachine } from './tls13-client.machine.ts';
import { mirrorEventFor, type Tls13MirrorEvent } from './tls13-mirror.ts';

/** Every state the engine could report, plus one that is not a state at all. */
const EVENTS: Tls13MirrorEvent[] = [...TLS13_CLIENT_STATES, 'BOGUS'].map((state) => ({ type: 'engine.state', state }));
const byValue = { serializeState: (s: { value: unknown }) => JSON.stringify(s.value) };

/** RFC 8446 Appendix A.1, edge by edge, plus "any state may fail". */
const APPENDIX_A_EDGES = [
  'START -> WAIT_SH',
  'WAIT_SH -> START',
  'WAIT_SH -> WAIT_EE',
  'WAIT_EE -> WAIT_CERT_CR',
  'WAIT_EE -> WAIT_FINISHED',
  'WAIT_CERT_CR -> WAIT_CERT',
  'WAIT_CERT_CR -> WAIT_CV',
  'WAIT_CERT -> WAIT_CV',
  'WAIT_CV -> WAIT_FINISHED',
  'WAIT_FINISHED -> CONNECTED',
  ...TLS13_CLIENT_STATES.filter((s) => s !== 'failed').map((s) => `${s} -> failed`),
].sort();

describe('tls13-client machine (RFC 8446 Appendix A.1)', () => {
  it('reaches every state, and only those, from START', () => {
    const paths = getShortestPaths(tls13ClientMachine, { events: EVENTS, ...byValue });
    expect(new Set(paths.map((p) => p.state.value))).toEqual(new Set(TLS13_CLIENT_STATES));
  });

  it('accepts exactly the edges of Appendix A; any other report fails with an error naming it', () => {
    const paths = getShortestPaths(tls13ClientMachine, { events: EVENTS, ...byValue });
    const legal: string[] = [];
    for (const path of paths) {
      if (path.state.status === 'done') continue;
      for (const event of EVENTS) {
        const next = transition(tls13ClientMachine, path.state, event)[0];
        if (next.context.error === null) legal.push(`${String(path.state.value)} -> ${String(next.value)}`);
        else {
          expect(next.value).toBe('failed');
          expect(next.context.error).toBe(
            `tls13-client: ${String(path.state.value)} -> ${event.state} is not a transition of RFC 8446 Appendix A`,
          );
        }
      }
    }
    expect(legal.sort()).toEqual(APPENDIX_A_EDGES);
  });

  it('has three simple ways from START to CONNECTED: certificate, certificate after CertificateRequest, PSK', () => {
    const paths = getSimplePaths(tls13ClientMachine, {
      events: EVENTS,
      ...byValue,
      toState: (s) => s.matches('CONNECTED'),
    });
    const routes = paths
      .map((p) => ['START', ...p.steps.slice(1).map((s) => String(s.state.value))].join(' > '))
      .sort();
    expect(routes).toEqual([
      'START > WAIT_SH > WAIT_EE > WAIT_CERT_CR > WAIT_CERT > WAIT_CV > WAIT_FINISHED > CONNECTED',
      'START > WAIT_SH > WAIT_EE > WAIT_CERT_CR > WAIT_CV > WAIT_FINISHED > CONNECTED',
      'START > WAIT_SH > WAIT_EE > WAIT_FINISHED > CONNECTED',
    ]);
  });

  it('accepts the state sequence of real engine runs: plain, HelloRetryRequest, and client authentication', async () => {
    const provider = createWebCryptoProvider({ entropy: freshEntropy() });
    const cert = testCertificate('ecdsa-p256');
    const server = (extra = {}) =>
      new Tls13Server({ provider, certificateChain: [cert.der], signingKey: cert.signingKey, ...extra });
    const client = (extra = {}) => new Tls13Client({ provider, verifyServerCertificate: trustingVerifier, ...extra });
    const runs = [
      await runPair(client(), server()),
      await runPair(client({ keyShares: ['x25519'] }), server({ groups: ['secp256r1'] })),
      await runPair(
        client({ clientCertificate: { certificateChain: [cert.der], signingKey: cert.signingKey } }),
        server({ clientAuthentication: { verifyClientCertificate: trustingVerifier } }),
      ),
    ];
    const histories = [];
    for (const log of runs) {
      const actor = createActor(tls13ClientMachine).start();
      for (const e of eventsOf(log.client)) {
        const event = mirrorEventFor('tls13-client', e);
        if (event) actor.send(event);
      }
      const snapshot = actor.getSnapshot();
      expect(snapshot.context.error).toBeNull();
      expect(snapshot.hasTag('established')).toBe(true);
      histories.push(snapshot.context.history.join(' > '));
    }
    expect(histories).toEqual([
      'WAIT_SH > WAIT_EE > WAIT_CERT_CR > WAIT_CV > WAIT_FINISHED > CONNECTED',
      'WAIT_SH > START > WAIT_SH > WAIT_EE > WAIT_CERT_CR > WAIT_CV > WAIT_FINISHED > CONNECTED',
      'WAIT_SH > WAIT_EE > WAIT_CERT_CR > WAIT_CERT > WAIT_CV > WAIT_FINISHED > CONNECTED',
    ]);
  });

  it('ends in failed when the engine fails, and stays there', () => {
    const actor = createActor(tls13ClientMachine).start();
    actor.send({ type: 'engine.state', state: 'WAIT_SH' });
    actor.send({ type: 'engine.state', state: 'failed' });
    expect(actor.getSnapshot().matches('failed')).toBe(true);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().context.error).toBeNull();
  });
});
