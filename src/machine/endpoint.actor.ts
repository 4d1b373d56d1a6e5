/**
 * An endpoint (client or server) as an actor: it owns one connection-stack engine and feeds it,
 * one event at a time, what the network delivers and which timers expire. Engine calls are async
 * (WebCrypto), so they are chained to keep order, and counted in Activity so the driver knows when
 * the present is finished.
 */
import { fromCallback } from 'xstate';
import type { Engine, EngineOutput } from '../protocol/engine.ts';
import type { Activity } from './activity.ts';

export type EndpointParty = 'client' | 'server' | 'attacker';

export type EndpointInbound =
  | { type: 'endpoint.start' }
  | { type: 'wire.deliver'; bytes: Uint8Array }
  | { type: 'timer.expired'; name: string }
  | { type: 'tcp.closed'; reset: boolean };

export type EndpointOutbound =
  | { type: 'endpoint.output'; party: EndpointParty; output: EngineOutput; cause: EndpointInbound['type'] }
  | { type: 'endpoint.crashed'; party: EndpointParty; message: string };

export interface EndpointHandle {
  /** The engine of the current connection (a retry gets a new one). */
  engine: () => Engine;
}

export function endpointActor(party: EndpointParty, handle: EndpointHandle, activity: Activity) {
  return fromCallback<EndpointInbound, Record<string, never>, EndpointOutbound>(({ sendBack, receive }) => {
    let chain: Promise<void> = Promise.resolve();
    let stopped = false;
    const run = (cause: EndpointInbound['type'], work: () => Promise<EngineOutput>) => {
      chain = activity.track(
        chain.then(async () => {
          if (stopped) return;
          try {
            const output = await work();
            if (!stopped) sendBack({ type: 'endpoint.output', party, output, cause });
          } catch (err) {
            if (!stopped) sendBack({ type: 'endpoint.crashed', party, message: err instanceof Error ? err.message : String(err) });
          }
        }),
      );
    };
    // Until the endpoint's process picks the connection up, what arrives waits in the kernel's
    // socket buffer (an overloaded server accepts late; the client's bytes are not lost).
    let started = false;
    let backlog: EndpointInbound[] = [];
    receive((event) => {
      const engine = handle.engine();
      if (!started && event.type !== 'endpoint.start') {
        backlog.push(event);
        return;
      }
      switch (event.type) {
        case 'endpoint.start': {
          started = true;
          run(event.type, () => engine.start());
          const waiting = backlog;
          backlog = [];
          for (const e of waiting) {
            if (e.type === 'wire.deliver') run(e.type, () => engine.receive(e.bytes));
            else if (e.type === 'tcp.closed') run(e.type, () => engine.transportClosed(e.reset));
          }
          break;
        }
        case 'wire.deliver':
          run(event.type, () => engine.receive(event.bytes));
          break;
        case 'timer.expired':
          run(event.type, () => engine.timeout(event.name));
          break;
        case 'tcp.closed':
          run(event.type, () => engine.transportClosed(event.reset));
          break;
      }
    });
    return () => {
      stopped = true;
    };
  });
}
