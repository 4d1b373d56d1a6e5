/**
 * Runs a sans-I/O TLS engine on a real TCP socket: bytes from the socket go to `receive`, each
 * unit's bytes go to the socket, and the run stops when the engine says `closed`, reports a
 * failure, the peer closes, or `timeoutMs` passes. Engine calls are serialised in arrival order.
 * The test drives the layer above with `send` (application data, close) and waits for events.
 */
import type { Socket } from 'node:net';
import type { EngineEvent, EngineOutput, Failure, TlsEngine } from '../../src/protocol/engine.ts';

export type SocketRunEnd = 'engine-closed' | 'peer-closed' | 'failure' | 'timeout' | 'error';

export interface EngineSocket {
  readonly events: EngineEvent[];
  readonly failure: Failure | undefined;
  /** Application data received so far, as text. */
  appData(): string;
  /** Resolves with the first event (past or future) matching `predicate`; rejects if the run ends first. */
  waitFor(predicate: (e: EngineEvent) => boolean, what: string): Promise<EngineEvent>;
  /** Run an engine call (sendApplicationData, close...) in turn and write what it outputs. */
  send(step: (engine: TlsEngine) => Promise<EngineOutput>): Promise<void>;
  /** Resolves when the run is over. */
  readonly done: Promise<SocketRunEnd>;
}

export function runEngineOnSocket(engine: TlsEngine, socket: Socket, options: { timeoutMs: number }): EngineSocket {
  const events: EngineEvent[] = [];
  let failure: Failure | undefined;
  let ended: SocketRunEnd | null = null;
  let chain: Promise<void> = Promise.resolve();
  const waiters: {
    predicate: (e: EngineEvent) => boolean;
    resolve: (e: EngineEvent) => void;
    reject: (e: Error) => void;
    what: string;
  }[] = [];
  let finish!: (end: SocketRunEnd) => void;
  const done = new Promise<SocketRunEnd>((resolve) => {
    finish = (end) => {
      if (ended) return;
      ended = end;
      clearTimeout(timer);
      for (const w of waiters.splice(0))
        w.reject(new Error(`the run ended (${end}${failure ? `: ${failure.message}` : ''}) before ${w.what}`));
      if (!socket.destroyed) socket.end(() => socket.destroy());
      resolve(end);
    };
  });
  const timer = setTimeout(() => finish('timeout'), options.timeoutMs);

  const apply = (out: EngineOutput): void => {
    for (const unit of out.units) if (!socket.destroyed) socket.write(unit.bytes);
    for (const event of out.events) {
      events.push(event);
      for (const w of waiters.filter((x) => x.predicate(event))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
    if (out.failure) {
      failure ??= out.failure;
      finish('failure');
    } else if (out.closed) finish('engine-closed');
  };

  const run = (step: () => Promise<EngineOutput>): Promise<void> => {
    chain = chain.then(async () => {
      if (ended) return;
      apply(await step());
    });
    chain = chain.catch(() => finish('error'));
    return chain;
  };

  socket.on('data', (chunk: Buffer) => void run(() => engine.receive(new Uint8Array(chunk))));
  let reset = false;
  socket.on('error', () => {
    reset = true;
  });
  socket.on('close', () => {
    void run(() => engine.transportClosed(reset)).then(() => finish('peer-closed'));
  });
  const begin = () => void run(() => engine.start());
  if (socket.connecting) socket.once('connect', begin);
  else begin();

  return {
    events,
    get failure() {
      return failure;
    },
    appData: () =>
      events.flatMap((e) => (e.type === 'app-data' ? [Buffer.from(e.data).toString('latin1')] : [])).join(''),
    waitFor(predicate, what) {
      const past = events.find(predicate);
      if (past) return Promise.resolve(past);
      if (ended) return Promise.reject(new Error(`the run ended (${ended}) before ${what}`));
      return new Promise((resolve, reject) => waiters.push({ predicate, resolve, reject, what }));
    },
    send: (step) => run(() => step(engine)),
    done,
  };
}
