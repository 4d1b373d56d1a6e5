/**
 * What the SMTP engines add to the Engine contract: the stack's report that TLS is up under them.
 *
 * RFC 3207 §4 (after the 220 to STARTTLS, the TLS handshake starts; afterwards the client sends
 * EHLO again), RFC 8314 §3 (implicit TLS: the handshake comes before the greeting).
 */
import type { Engine, EngineOutput } from '../engine.ts';

export interface SmtpEngine extends Engine {
  /**
   * The connection stack calls this when the TLS handshake it started on `{ type: 'starttls' }`
   * has finished. The client answers with EHLO (it speaks first after STARTTLS, RFC 3207 §4.2);
   * the server starts waiting for that EHLO. A server also takes a `receive()` while it awaits
   * the handshake as proof that TLS is up; the client needs this call to send its EHLO.
   */
  tlsEstablished(): Promise<EngineOutput>;
}
