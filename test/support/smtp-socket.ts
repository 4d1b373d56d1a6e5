/**
 * A small pump that runs a sans-I/O engine on a real TCP socket: bytes from the socket go to
 * `receive`, unit bytes go to the socket, `closed` ends the socket, the socket closing goes to
 * `transportClosed`. Engine calls are serialised. The whole run is bounded by `timeoutMs`
 * (the engines' own timers are minutes long and are recorded, not armed). Plaintext only: a
 * `starttls` event ends the run with an error.
 */
import type { Socket } from 'node:net';
import { latin1 } from '../../src/protocol/bytes/hex.ts';
import type { Engine, EngineEvent, EngineOutput, Failure } from '../../src/protocol/engine.ts';

export interface PumpResult {
  events: EngineEvent[];
  failure?: Failure;
  /** What the engine wrote, unit by unit. */
  sent: string[];
  /** What arrived from the peer, read by read. */
  received: string[];
  /** Why the run ended. */
  end: 'engine-closed' | 'peer-closed' | 'timeout' | 'error';
  error?: Error;
}

export function pumpEngine(engine: Engine, socket: Socket, options: { timeoutMs: number }): Promise<PumpResult> {
  const result: PumpResult = { events: [], sent: [], received: [], end: 'peer-closed' };
  let engineClosed = false;
  let chain: Promise<void> = Promise.resolve();

  return new Promise<PumpResult>((resolve) => {
    const timer = setTimeout(() => {
      result.end = 'timeout';
      socket.destroy();
    }, options.timeoutMs);

    const apply = (out: EngineOutput) => {
      for (const u of out.units) {
        result.sent.push(latin1(u.bytes));
        if (!socket.destroyed) socket.write(u.bytes);
      }
      result.events.push(...out.events);
      if (out.failure) result.failure ??= out.failure;
      if (out.events.some((e) => e.type === 'starttls')) throw new Error('this pump carries plaintext only: the engine asked for STARTTLS');
      if (out.closed && !engineClosed) {
        engineClosed = true;
        result.end = 'engine-closed';
        socket.end();
      }
    };
    const run = (step: () => Promise<EngineOutput>) => {
      chain = chain
        .then(async () => apply(await step()))
        .catch((e: unknown) => {
          result.end = 'error';
          result.error = e instanceof Error ? e : new Error(String(e));
          socket.destroy();
        });
    };

    socket.on('data', (chunk: Buffer) => {
      result.received.push(chunk.toString('latin1'));
      if (!engineClosed) run(() => engine.receive(new Uint8Array(chunk)));
    });
    let reset = false;
    socket.on('error', () => {
      reset = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (!engineClosed && result.end !== 'timeout' && result.end !== 'error') {
        run(async () => {
          const out = await engine.transportClosed(reset);
          engineClosed = true;
          return out;
        });
      }
      void chain.then(() => resolve(result));
    });

    const begin = () => run(() => engine.start());
    if (socket.connecting) socket.once('connect', begin);
    else begin();
  });
}
