/**
 * The TLS 1.2 mirror machines' setup (tls12-client.machine.ts, tls12-server.machine.ts): the
 * shared one (tls-mirror.ts), their edges being the TLS 1.2 full handshake's, as RFC 5246 §7.3
 * (Figure 1) orders the messages; the states are the engines' (src/protocol/tls12/), named for
 * what is awaited.
 */
import { mirrorEventFor, tlsMirrorSetup, type TlsMirrorEvent } from './tls-mirror.ts';

export type Tls12MirrorEvent = TlsMirrorEvent;
export const tls12MirrorEventFor = mirrorEventFor;

export const tls12MirrorSetup = tlsMirrorSetup('the TLS 1.2 handshake (RFC 5246 §7.3)');
