import { describe, expect, it } from 'vitest';
import type { Engine, EngineOutput, WireUnit } from '../protocol/engine.ts';
import { latin1, fromLatin1 } from '../protocol/bytes/hex.ts';
import { TraceRecorder } from '../trace/recorder.ts';
import { runSession } from './run-session.ts';
import type { LinkConfig } from './network.machine.ts';

/** A scripted line engine: replies to each line it receives with the next scripted line. */
function lineUnit(text: string): WireUnit {
  const bytes = fromLatin1(text + '\r\n');
  return { bytes, fields: [], protection: 'plaintext', messages: [{ layer: 'smtp', name: text.split(' ')[0], label: text, explain: 'x', bytes, fields: [] }] };
}

function scripted(role: 'client' | 'server', opening: string | null, replies: Record<string, string | null>, opts: { timer?: number } = {}): Engine {
  let state = 'start';
  return {
    role,
    get state() {
      return state;
    },
    async start(): Promise<EngineOutput> {
      state = 'running';
      const events: EngineOutput['events'] = [{ type: 'state', machine: role, state }];
      if (opts.timer) events.push({ type: 'timer', name: 'greeting', ms: opts.timer });
      return { units: opening ? [lineUnit(opening)] : [], events };
    },
    async receive(bytes) {
      const line = latin1(bytes).trim();
      const events: EngineOutput['events'] = [{ type: 'timer-cancel', name: 'greeting' }];
      if (!(line in replies)) return { units: [], events, closed: true };
      const reply = replies[line];
      if (line.startsWith('221')) events.push({ type: 'delivered', encrypted: false });
      return { units: reply ? [lineUnit(reply)] : [], events, closed: reply === null || reply.startsWith('221') };
    },
    async timeout(name) {
      return { units: [], events: [], failure: { detectedBy: role, check: 'smtp.timeout', message: `smtp: ${name} timeout`, compared: [{ name: 'timer', value: name }] }, closed: true };
    },
    async transportClosed() {
      return { units: [], events: [], closed: true };
    },
  };
}

const link = (over: Partial<LinkConfig> = {}): LinkConfig => ({
  latencyMs: { c2s: 20, s2c: 20 },
  dropSyn: false,
  synRetransmitMs: [1000, 2000, 4000, 8000, 16000],
  dataRetransmitMs: [1000, 2000, 4000],
  ...over,
});

const recorder = () =>
  new TraceRecorder({
    meta: { scenario: 'test', faults: [], options: {}, source: 'simulation', clock: '2026-01-01T00:00:00Z', generator: 'test' },
    endpoints: { client: { name: 'c', ip: '192.0.2.1', port: 50000 }, server: { name: 's', ip: '192.0.2.2', port: 25 } },
    lanes: ['client', 'server'],
  });

describe('session on the virtual clock', () => {
  it('plays the TCP handshake, carries each line after the one-way latency, and ends ok', async () => {
    const trace = await runSession(
      {
        input: { mode: 'plain', link: link(), connectTimeoutMs: 30000, retryAfterMs: 300000, retries: 0, serverAcceptDelayMs: 0 },
        makeEngines: () => ({
          client: scripted('client', null, { '220 ready': 'QUIT', '221 bye': null }),
          server: scripted('server', '220 ready', { QUIT: '221 bye' }),
        }),
      },
      recorder(),
    );
    const arrows = trace.steps.filter((s) => s.kind === 'message').map((s) => s.kind === 'message' && [s.from, s.label, s.at, s.arrivesAt]);
    // SYN at 0, SYN-ACK at 20, ACK at 40; the server accepts at 60 and greets; the client answers at 80.
    expect(arrows.slice(0, 6)).toEqual([
      ['client', 'SYN', 0, 20],
      ['server', 'SYN, ACK', 20, 40],
      ['client', 'ACK', 40, 60],
      ['server', '220 ready', 60, 80],
      ['client', 'QUIT', 80, 100],
      ['server', '221 bye', 100, 120],
    ]);
    expect(trace.outcome.status).toBe('ok');
  });

  it('a firewall that drops SYNs ends in the client connect timeout, on the virtual clock', async () => {
    const started = performance.now();
    const trace = await runSession(
      {
        input: { mode: 'plain', link: link({ dropSyn: true }), connectTimeoutMs: 30000, retryAfterMs: 300000, retries: 0, serverAcceptDelayMs: 0 },
        makeEngines: () => ({ client: scripted('client', null, {}), server: scripted('server', '220 ready', {}) }),
      },
      recorder(),
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(trace.outcome).toMatchObject({ status: 'failed', kind: 'timeout', party: 'client' });
    const syns = trace.steps.filter((s) => s.kind === 'message' && s.name.startsWith('SYN'));
    expect(syns.map((s) => s.at)).toEqual([0, 1000, 3000, 7000, 15000]);
    expect(syns.every((s) => s.kind === 'message' && s.arrivesAt === null)).toBe(true);
    const failure = trace.steps.find((s) => s.kind === 'failure');
    expect(failure?.at).toBe(30000);
  });

  it('a server that never greets trips the client greeting timer after its full length', async () => {
    const trace = await runSession(
      {
        input: { mode: 'plain', link: link(), connectTimeoutMs: 30000, retryAfterMs: 300000, retries: 0, serverAcceptDelayMs: 0 },
        makeEngines: () => ({ client: scripted('client', null, {}, { timer: 300000 }), server: scripted('server', null, {}) }),
      },
      recorder(),
    );
    expect(trace.outcome).toMatchObject({ status: 'failed', kind: 'timeout', party: 'client' });
    const wait = trace.steps.find((s) => s.kind === 'wait');
    expect(wait && wait.kind === 'wait' && [wait.at, wait.until]).toEqual([40, 300040]);
  });
});
