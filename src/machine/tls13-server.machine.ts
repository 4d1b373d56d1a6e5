/**
 * The TLS 1.3 server as RFC 8446 Appendix A.2 draws it, mirroring the server engine.
 *
 * Theory of operation. The engine (src/protocol/tls13/server.ts) reads the ClientHello, selects
 * version, suite, group and signature scheme (asking for another key share with a
 * HelloRetryRequest when the client sent none for the group it prefers), sends its whole flight,
 * and then waits for the client's: an optional certificate (checked by the injected verifier and
 * CertificateVerify) and Finished. It reports each state it enters; the session feeds them here
 * as `engine.state`, and this machine accepts only Appendix A's edges. An illegal edge takes it to
 * `failed` with `context.error` set. Any real failure (a check, an alert, a timeout, a reset)
 * arrives as the engine's `failed` state. There is no 0-RTT, so WAIT_EOED is not a state here.
 * Faults change the engine's inputs or the wire, never this machine.
 *
 *                 START <-----+
 *  Recv ClientHello |         | Send HelloRetryRequest
 *                   v         |
 *                RECVD_CH ----+
 *                   | Select parameters
 *                   v
 *                NEGOTIATED
 *                   | Send ServerHello, EncryptedExtensions, [CertificateRequest],
 *                   | Certificate, CertificateVerify, Finished
 *                   v
 *               WAIT_FLIGHT2
 *          +--------+--------+
 *  No auth |                 | Client auth
 *          |                 v
 *          |             WAIT_CERT
 *          |        Recv |       | Recv Certificate
 *          |       empty |       v
 *          | Certificate |    WAIT_CV
 *          |             |       | Recv CertificateVerify
 *          |             v       v
 *          +-----> WAIT_FINISHED <+
 *                   | Recv Finished
 *                   v
 *               CONNECTED
 */
import { fail, illegal, to } from './tls-mirror.ts';
import { tls13MirrorSetup } from './tls13-mirror.ts';

export const TLS13_SERVER_STATES = [
  'START',
  'RECVD_CH',
  'NEGOTIATED',
  'WAIT_FLIGHT2',
  'WAIT_CERT',
  'WAIT_CV',
  'WAIT_FINISHED',
  'CONNECTED',
  'failed',
] as const;

export const tls13ServerMachine = tls13MirrorSetup.createMachine({
  id: 'tls13-server',
  context: { machine: 'tls13-server', state: 'START', history: [], error: null },
  initial: 'START',
  states: {
    START: { tags: ['handshake'], on: { 'engine.state': [to('RECVD_CH'), fail, illegal] } },
    RECVD_CH: { tags: ['handshake'], on: { 'engine.state': [to('START'), to('NEGOTIATED'), fail, illegal] } },
    NEGOTIATED: { tags: ['handshake'], on: { 'engine.state': [to('WAIT_FLIGHT2'), fail, illegal] } },
    WAIT_FLIGHT2: {
      tags: ['handshake', 'encrypted'],
      on: { 'engine.state': [to('WAIT_FINISHED'), to('WAIT_CERT'), fail, illegal] },
    },
    WAIT_CERT: {
      tags: ['handshake', 'encrypted'],
      on: { 'engine.state': [to('WAIT_FINISHED'), to('WAIT_CV'), fail, illegal] },
    },
    WAIT_CV: { tags: ['handshake', 'encrypted'], on: { 'engine.state': [to('WAIT_FINISHED'), fail, illegal] } },
    WAIT_FINISHED: { tags: ['handshake', 'encrypted'], on: { 'engine.state': [to('CONNECTED'), fail, illegal] } },
    CONNECTED: { tags: ['established', 'encrypted'], on: { 'engine.state': [fail, illegal] } },
    failed: { tags: ['failed'], type: 'final' },
  },
});
