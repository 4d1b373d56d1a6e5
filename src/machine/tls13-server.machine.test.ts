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
import { mirrorEventFor, type Tls13MirrorEvent } from './tls13-mirror.ts';
import { TLS13_SERVER_STATES, tls13ServerMachine } from './tls13-server.machine.ts';

const EVENTS: Tls13MirrorEvent[] = [...TLS13_SERVER_STATES, 'WAIT_EOED', 'BOGUS'].map((state) => ({
  type: 'engine.state',
  state,
}));
const byValue = { serializeState: (s: { value: unknown }) => JSON.stringify(s.value) };

/** RFC 8446 Appendix A.2 without 0-RTT (no WAIT_EOED), edge by edge, plus "any state may fail". */
const APPENDIX_A_EDGES = [
  'START -> RECVD_CH',
  'RECVD_CH -> START',
  'RECVD_CH -> NEGOTIATED',
  'NEGOTIATED -> WAIT_FLIGHT2',
  'WAIT_FLIGHT2 -> WAIT_FINISHED',
  'WAIT_FLIGHT2 -> WAIT_CERT',
  'WAIT_CERT -> WAIT_FINISHED',
  'WAIT_CERT -> WAIT_CV',
  'WAIT_CV -> WAIT_FINISHED',
  'WAIT_FINISHED -> CONNECTED',
  ...TLS13_SERVER_STATES.filter((s) => s !== 'failed').map((s) => `${s} -> failed`),
].sort();

describe('tls13-server machine (RFC 8446 Appendix A.2)', () => {
  it('reaches every state, and only those, from START', () => {
    const paths = getShortestPaths(tls13ServerMachine, { events: EVENTS, ...byValue });
    expect(new Set(paths.map((p) => p.state.value))).toEqual(new Set(TLS13_SERVER_STATES));
  });

  it('accepts exactly the edges of Appendix A; any other report fails with an error naming it', () => {
    const paths = getShortestPaths(tls13ServerMachine, { events: EVENTS, ...byValue });
    const legal: string[] = [];
    for (const path of paths) {
      if (path.state.status === 'done') continue;
      for (const event of EVENTS) {
        const next = transition(tls13ServerMachine, path.state, event)[0];
        if (next.context.error === null) legal.push(`${String(path.state.value)} -> ${String(next.value)}`);
        else {
          expect(next.value).toBe('failed');
          expect(next.context.error).toBe(
            `tls13-server: ${String(path.state.value)} -> ${event.state} is not a transition of RFC 8446 Appendix A`,
          );
        }
      }
    }
    expect(legal.sort()).toEqual(APPENDIX_A_EDGES);
  });

  it('has three simple ways from START to CONNECTED: no client auth, an empty client Certificate, a verified one', () => {
    const paths = getSimplePaths(tls13ServerMachine, {
      events: EVENTS,
      ...byValue,
      toState: (s) => s.matches('CONNECTED'),
    });
    const routes = paths
      .map((p) => ['START', ...p.steps.slice(1).map((s) => String(s.state.value))].join(' > '))
      .sort();
    expect(routes).toEqual([
      'START > RECVD_CH > NEGOTIATED > WAIT_FLIGHT2 > WAIT_CERT > WAIT_CV > WAIT_FINISHED > CONNECTED',
      'START > RECVD_CH > NEGOTIATED > WAIT_FLIGHT2 > WAIT_CERT > WAIT_FINISHED > CONNECTED',
      'START > RECVD_CH > NEGOTIATED > WAIT_FLIGHT2 > WAIT_FINISHED > CONNECTED',
    ]);
  });

  it('accepts the state sequence of real engine runs: plain, HelloRetryRequest, client authentication, a failure', async () => {
    const provider = createWebCryptoProvider({ entropy: freshEntropy() });
    const cert = testCertificate('ecdsa-p256');
    const server = (extra = {}) =>
      new Tls13Server({ provider, certificateChain: [cert.der], signingKey: cert.signingKey, ...extra });
    const client = (extra = {}) => new Tls13Client({ provider, verifyServerCertificate: trustingVerifier, ...extra });
    const runs = [
      await runPair(client(), server()),
      await runPair(client({ keyShares: ['x25519'] }), server({ groups: ['secp256r1'] })),
      await runPair(client(), server({ clientAuthentication: { verifyClientCertificate: trustingVerifier } })),
      await runPair(
        client({ cipherSuites: ['TLS_AES_256_GCM_SHA384'] }),
        server({ cipherSuites: ['TLS_AES_128_GCM_SHA256'] }),
      ),
    ];
    const histories = [];
    for (const log of runs) {
      const actor = createActor(tls13ServerMachine).start();
      for (const e of eventsOf(log.server)) {
        const event = mirrorEventFor('tls13-server', e);
        if (event) actor.send(event);
      }
      expect(actor.getSnapshot().context.error).toBeNull();
      histories.push(actor.getSnapshot().context.history.join(' > '));
    }
    expect(histories).toEqual([
      'RECVD_CH > NEGOTIATED > WAIT_FLIGHT2 > WAIT_FINISHED > CONNECTED',
      'RECVD_CH > START > RECVD_CH > NEGOTIATED > WAIT_FLIGHT2 > WAIT_FINISHED > CONNECTED',
      'RECVD_CH > NEGOTIATED > WAIT_FLIGHT2 > WAIT_CERT > WAIT_FINISHED > CONNECTED',
      'RECVD_CH > failed',
    ]);
  });

  it('rejects a skipped step: START straight to NEGOTIATED', () => {
    const actor = createActor(tls13ServerMachine).start();
    actor.send({ type: 'engine.state', state: 'NEGOTIATED' });
    expect(actor.getSnapshot().matches('failed')).toBe(true);
    expect(actor.getSnapshot().context.error).toBe(
      'tls13-server: START -> NEGOTIATED is not a transition of RFC 8446 Appendix A',
    );
  });
});
