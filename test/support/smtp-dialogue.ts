/**
 * Runs an SMTP client engine against an SMTP server engine in memory, the way the connection
 * stack will: units are delivered in the order they were sent, `{ type: 'starttls' }` switches
 * the connection (the TLS handshake is simulated: both engines get `tlsEstablished()`), `closed`
 * stops a side. An optional man in the middle may rewrite what the server sends before TLS.
 */
import { latin1 } from '../../src/protocol/bytes/hex.ts';
import type { EngineEvent, EngineOutput, Failure } from '../../src/protocol/engine.ts';
import type { SmtpEngine } from '../../src/protocol/smtp/engine-types.ts';

export interface WireLine {
  from: 'client' | 'server';
  /** The unit's octets as text; mail data as the transcripts write it. */
  text: string;
  /** Whether TLS was up under the unit. */
  tls: boolean;
}

export interface Dialogue {
  /** `C: ...` / `S: ...` lines, one per line on the wire (TLS-protected ones marked `[tls]`). */
  transcript: string[];
  wire: WireLine[];
  clientEvents: EngineEvent[];
  serverEvents: EngineEvent[];
  clientFailure?: Failure;
  serverFailure?: Failure;
  clientClosed: boolean;
  serverClosed: boolean;
}

export interface DialogueOptions {
  /** Rewrite server→client octets while the connection is still plaintext (an active attacker). */
  attacker?: (bytes: Uint8Array) => Uint8Array;
  /** Stop after this many deliveries (a guard against a dialogue that never ends). */
  maxDeliveries?: number;
}

export async function converse(client: SmtpEngine, server: SmtpEngine, options: DialogueOptions = {}): Promise<Dialogue> {
  const d: Dialogue = { transcript: [], wire: [], clientEvents: [], serverEvents: [], clientClosed: false, serverClosed: false };
  const queue: { to: 'client' | 'server'; bytes: Uint8Array }[] = [];
  let tls = false;
  let handshakePending = false;

  const take = (side: 'client' | 'server', out: EngineOutput) => {
    for (const u of out.units) {
      let bytes = u.bytes;
      if (side === 'server' && !tls && options.attacker) bytes = options.attacker(bytes);
      const text = latin1(bytes);
      d.wire.push({ from: side, text, tls });
      const tag = side === 'client' ? 'C:' : 'S:';
      if (u.messages[0]?.name === 'mail-data') d.transcript.push(`${tag}${tls ? ' [tls]' : ''} <message lines> + "."`);
      else for (const l of text.split('\r\n').slice(0, -1)) d.transcript.push(`${tag}${tls ? ' [tls]' : ''} ${l}`);
      queue.push({ to: side === 'client' ? 'server' : 'client', bytes });
    }
    (side === 'client' ? d.clientEvents : d.serverEvents).push(...out.events);
    if (out.failure) {
      if (side === 'client') d.clientFailure ??= out.failure;
      else d.serverFailure ??= out.failure;
    }
    if (out.closed) {
      if (side === 'client') d.clientClosed = true;
      else d.serverClosed = true;
    }
    if (side === 'client' && out.events.some((e) => e.type === 'starttls')) handshakePending = true;
  };

  take('server', await server.start());
  take('client', await client.start());
  let deliveries = 0;
  while (queue.length > 0 || handshakePending) {
    if (handshakePending) {
      // The stack ran the TLS handshake under both engines.
      handshakePending = false;
      tls = true;
      d.transcript.push('   <TLS established>');
      take('server', await server.tlsEstablished());
      take('client', await client.tlsEstablished());
      continue;
    }
    if (++deliveries > (options.maxDeliveries ?? 200)) throw new Error('the dialogue does not end');
    const next = queue.shift()!;
    if (next.to === 'server' && !d.serverClosed) take('server', await server.receive(next.bytes));
    if (next.to === 'client' && !d.clientClosed) take('client', await client.receive(next.bytes));
    if (d.serverClosed && !d.clientClosed && queue.every((q) => q.to !== 'client')) take('client', await client.transportClosed(false));
    if (d.clientClosed && !d.serverClosed && queue.every((q) => q.to !== 'server')) take('server', await server.transportClosed(false));
  }
  return d;
}

/** The events of one type, typed. */
export function eventsOf<T extends EngineEvent['type']>(events: EngineEvent[], type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}
