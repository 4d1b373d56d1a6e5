/**
 * The TLS 1.3 mirror machines' setup (tls13-client.machine.ts, tls13-server.machine.ts): the
 * shared one (tls-mirror.ts), their edges being those RFC 8446 Appendix A draws.
 */
import { mirrorEventFor, tlsMirrorSetup, type TlsMirrorEvent } from './tls-mirror.ts';

export type Tls13MirrorEvent = TlsMirrorEvent;
export { mirrorEventFor };

export const tls13MirrorSetup = tlsMirrorSetup('RFC 8446 Appendix A');
