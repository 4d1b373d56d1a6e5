/**
 * From a finished ScenarioSpec to running engines: each side's connection stack (SMTP over TLS,
 * TLS alone, or SMTP alone), made fresh for every connection of the run.
 */
import { ConnectionStack } from '../protocol/stack.ts';
import { SmtpClientEngine } from '../protocol/smtp/client.ts';
import { SmtpServerEngine } from '../protocol/smtp/server.ts';
import type { ScenarioSpec } from '../scenario/spec.ts';
import type { SessionAssembly } from './run-session.ts';

export interface AssembledRun {
  assembly: SessionAssembly;
}

export function assemble(spec: ScenarioSpec): AssembledRun {
  // Greylisting remembers triplets across connections: one database for the whole run.
  const greylistDb: Record<string, number> = {};
  const assembly: SessionAssembly = {
    input: {
      mode: spec.mode,
      link: spec.link,
      connectTimeoutMs: spec.client.connectTimeoutMs,
      retryAfterMs: spec.retryAfterMs,
      retries: spec.retries,
      serverAcceptDelayMs: spec.server.acceptDelayMs,
    },
    makeEngines(index, now) {
      if (spec.mode !== 'plain') throw new Error(`assemble: mode ${spec.mode} needs TLS, not wired yet`);
      const serverSmtp = spec.server.smtp!;
      const server = new SmtpServerEngine({
        ...serverSmtp,
        ...(serverSmtp.greylist ? { greylist: { ...serverSmtp.greylist, firstSeen: greylistDb, now: spec.clock + now } } : {}),
        queueIdBase: (serverSmtp.queueIdBase ?? 0x8a6de17c1aa) + index * 0x100,
      });
      const client = new SmtpClientEngine(spec.client.smtp!);
      return {
        client: new ConnectionStack({ role: 'client', mode: 'plain', smtp: client }),
        server: new ConnectionStack({ role: 'server', mode: 'plain', smtp: server }),
      };
    },
  };
  return { assembly };
}
