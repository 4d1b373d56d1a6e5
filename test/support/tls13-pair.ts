/**
 * Runs two engines against each other in memory: every unit one side outputs is fed, in order, to
 * the other, until neither has anything left to say. An optional `wire` hook sees (and may alter
 * or drop) each unit's bytes on the way, as an attacker on the path would.
 */
import type { EngineEvent, EngineOutput, TlsEngine, WireUnit } from '../../src/protocol/engine.ts';

export interface PairLog {
  /** Every unit in the order it was sent, with its sender. */
  wire: { from: 'client' | 'server'; unit: WireUnit }[];
  client: EngineOutput[];
  server: EngineOutput[];
}

export type WireHook = (from: 'client' | 'server', bytes: Uint8Array, index: number) => Uint8Array | null;

export function eventsOf(outputs: EngineOutput[]): EngineEvent[] {
  return outputs.flatMap((o) => o.events);
}

export function failureOf(outputs: EngineOutput[]) {
  return outputs.find((o) => o.failure)?.failure;
}

export function statesOf(outputs: EngineOutput[]): string[] {
  return eventsOf(outputs).flatMap((e) => (e.type === 'state' ? [e.state] : []));
}

/** Start the client and pump until quiet. */
export async function runPair(client: TlsEngine, server: TlsEngine, hook?: WireHook): Promise<PairLog> {
  const log: PairLog = { wire: [], client: [], server: [] };
  await server.start().then((o) => log.server.push(o));
  const first = await client.start();
  log.client.push(first);
  await pump(client, server, first, 'client', log, hook);
  return log;
}

let wireIndex = 0;

/** Deliver `output` from `from` to its peer, and the peer's answers back, until quiet. */
export async function pump(
  client: TlsEngine,
  server: TlsEngine,
  output: EngineOutput,
  from: 'client' | 'server',
  log: PairLog,
  hook?: WireHook,
): Promise<void> {
  const queue: { from: 'client' | 'server'; output: EngineOutput }[] = [{ from, output }];
  while (queue.length) {
    const { from: sender, output: out } = queue.shift()!;
    const receiver = sender === 'client' ? server : client;
    for (const unit of out.units) {
      log.wire.push({ from: sender, unit });
      const bytes = hook ? hook(sender, unit.bytes, wireIndex++) : unit.bytes;
      if (!bytes) continue;
      const answer = await receiver.receive(bytes);
      (sender === 'client' ? log.server : log.client).push(answer);
      queue.push({ from: sender === 'client' ? 'server' : 'client', output: answer });
    }
  }
}
