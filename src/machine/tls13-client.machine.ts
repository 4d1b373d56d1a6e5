/**
 * The TLS 1.3 client as RFC 8446 Appendix A.1 draws it, mirroring the client engine.
 *
 * Theory of operation. The engine (src/protocol/tls13/client.ts) does the work: it parses, checks
 * and derives, and reports each state it enters as a `state` event. The session feeds those to
 * this machine as `engine.state`; the machine accepts only the edges of Appendix A, so the trace's
 * states are provably the RFC's and a buggy engine cannot skip a step unnoticed: an illegal edge
 * takes the machine to `failed` with `context.error` set, which the session surfaces.
 *
 * Phases: START sends ClientHello; WAIT_SH waits for the ServerHello (a HelloRetryRequest sends
 * it back to START); WAIT_EE through WAIT_FINISHED read the server's encrypted flight, the
 * certificate being judged by the injected verifier and CertificateVerify and Finished by the
 * engine; CONNECTED carries application data. `failed` is where any failed check, received alert,
 * timeout or reset ends (the engine reports it as state `failed`). Faults never reach this machine:
 * they change the engine's inputs or the bytes on the wire, and the failure comes out of a check.
 *
 *                 START <----+
 *  Send ClientHello |        | Recv HelloRetryRequest
 *                   v        |
 *                WAIT_SH ----+
 *                   | Recv ServerHello
 *                   v
 *                WAIT_EE
 *                   | Recv EncryptedExtensions
 *          +--------+--------+
 *    Using |                 | Using certificate
 *      PSK |                 v
 *          |            WAIT_CERT_CR
 *          |        Recv |       | Recv CertificateRequest
 *          | Certificate |       v
 *          |             |    WAIT_CERT
 *          |             |       | Recv Certificate
 *          |             v       v
 *          |              WAIT_CV
 *          |                 | Recv CertificateVerify
 *          +> WAIT_FINISHED <+
 *                   | Recv Finished, Send [Certificate [+ CertificateVerify]] Finished
 *                   v
 *               CONNECTED
 */
import { fail, illegal, to } from './tls-mirror.ts';
import { tls13MirrorSetup } from './tls13-mirror.ts';

export const TLS13_CLIENT_STATES = [
  'START',
  'WAIT_SH',
  'WAIT_EE',
  'WAIT_CERT_CR',
  'WAIT_CERT',
  'WAIT_CV',
  'WAIT_FINISHED',
  'CONNECTED',
  'failed',
] as const;

export const tls13ClientMachine = tls13MirrorSetup.createMachine({
  id: 'tls13-client',
  context: { machine: 'tls13-client', state: 'START', history: [], error: null },
  initial: 'START',
  states: {
    START: { tags: ['handshake'], on: { 'engine.state': [to('WAIT_SH'), fail, illegal] } },
    WAIT_SH: { tags: ['handshake'], on: { 'engine.state': [to('START'), to('WAIT_EE'), fail, illegal] } },
    WAIT_EE: {
      tags: ['handshake', 'encrypted'],
      on: { 'engine.state': [to('WAIT_CERT_CR'), to('WAIT_FINISHED'), fail, illegal] },
    },
    WAIT_CERT_CR: {
      tags: ['handshake', 'encrypted'],
      on: { 'engine.state': [to('WAIT_CERT'), to('WAIT_CV'), fail, illegal] },
    },
    WAIT_CERT: { tags: ['handshake', 'encrypted'], on: { 'engine.state': [to('WAIT_CV'), fail, illegal] } },
    WAIT_CV: { tags: ['handshake', 'encrypted'], on: { 'engine.state': [to('WAIT_FINISHED'), fail, illegal] } },
    WAIT_FINISHED: { tags: ['handshake', 'encrypted'], on: { 'engine.state': [to('CONNECTED'), fail, illegal] } },
    CONNECTED: { tags: ['established', 'encrypted'], on: { 'engine.state': [fail, illegal] } },
    failed: { tags: ['failed'], type: 'final' },
  },
});
