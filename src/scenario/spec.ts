/**
 * A scenario as plain data: who talks to whom, with which configuration, over which network.
 * `defaultSpec` builds the healthy version of a scenario; a fault (src/faults/apply.ts) is a pure
 * function from spec to spec; src/machine/assemble.ts turns the final spec into engines. Nothing
 * here runs a protocol or draws randomness.
 */
import type { SmtpClientConfig } from '../protocol/smtp/client.ts';
import type { SmtpServerConfig } from '../protocol/smtp/server.ts';
import type { LinkConfig } from './network.ts';
import type { RunOptions } from '../trace/types.ts';
import type { FaultId } from '../faults/catalogue.ts';
import { SCENARIOS, type ScenarioId } from './catalogue.ts';

/** The simulated wall clock at the start of every run (certificates are checked against it). */
export const SIMULATED_EPOCH = Date.UTC(2026, 5, 1, 8, 0, 0);

export const NAMES = {
  client: 'client.example.test',
  server: 'mail.example.test',
  clientIp: '192.0.2.10',
  serverIp: '192.0.2.25',
  attackerIp: '192.0.2.66',
  sender: 'alice@example.test',
  recipient: 'postmaster@mail.example.test',
  user: 'alice',
  password: 'correct horse battery staple',
} as const;

export interface ScenarioSpec {
  scenario: ScenarioId;
  faults: FaultId[];
  options: RunOptions;
  /** Virtual wall-clock time (ms since the epoch) when the run starts. */
  clock: number;
  mode: 'plain' | 'starttls' | 'implicit' | 'tls-only';
  port: number;
  client: {
    name: string;
    ip: string;
    smtp?: SmtpClientConfig;
    /** Postfix smtp_connect_timeout. */
    connectTimeoutMs: number;
  };
  server: {
    name: string;
    ip: string;
    smtp?: SmtpServerConfig;
    /** How long until a server process picks up an accepted connection (overload). */
    acceptDelayMs: number;
  };
  link: LinkConfig;
  /** Deferred messages: how many retries, and after how long (Postfix minimal_backoff_time). */
  retries: number;
  retryAfterMs: number;
}

const MESSAGE = [
  'From: Alice <alice@example.test>',
  'To: <postmaster@mail.example.test>',
  'Subject: Handshake Lab',
  'Date: Mon, 01 Jun 2026 08:00:00 +0000',
  'Message-ID: <handshake-lab@client.example.test>',
  '',
  'Hello from Handshake Lab.',
  '.A line that starts with a dot is sent with two (RFC 5321 section 4.5.2).',
  '',
].join('\r\n');

export function defaultLink(): LinkConfig {
  return {
    latencyMs: { c2s: 20, s2c: 20 },
    dropSyn: false,
    // Linux's SYN back-off (1 s, doubling) and RFC 6298's retransmission timeout (1 s, doubling).
    synRetransmitMs: [1000, 2000, 4000, 8000, 16000, 32000],
    dataRetransmitMs: [1000, 2000, 4000, 8000, 16000, 32000, 64000],
  };
}

export function defaultSpec(scenario: ScenarioId, options: RunOptions = {}, faults: FaultId[] = []): ScenarioSpec {
  const info = SCENARIOS[scenario];
  const smtp = info.smtp !== 'none';
  const mode = info.smtp === 'none' ? 'tls-only' : info.smtp;
  const submission = scenario === 'submission';
  const clientSmtp: SmtpClientConfig | undefined = smtp
    ? {
        ehloName: NAMES.client,
        serverName: NAMES.server,
        from: NAMES.sender,
        to: [NAMES.recipient],
        message: MESSAGE,
        tls: info.smtp === 'starttls' ? 'starttls' : info.smtp === 'implicit' ? 'implicit' : 'none',
        // A submission client insists on TLS: it is about to send a password (RFC 8314 §3.3).
        policy: submission ? 'require-tls' : (options.policy ?? 'opportunistic'),
        ...(submission ? { auth: { mechanism: 'PLAIN' as const, user: NAMES.user, password: NAMES.password } } : {}),
      }
    : undefined;
  const serverSmtp: SmtpServerConfig | undefined = smtp
    ? {
        hostname: NAMES.server,
        clientIp: NAMES.clientIp,
        starttls: info.smtp === 'starttls' ? 'offer' : 'off',
        implicitTls: info.smtp === 'implicit',
        requireTls: submission,
        ...(submission || info.smtp === 'implicit'
          ? { auth: { mechanisms: ['PLAIN', 'LOGIN'], users: { [NAMES.user]: NAMES.password } } }
          : {}),
        recipients: { localDomains: [NAMES.server], known: [NAMES.recipient] },
      }
    : undefined;
  return {
    scenario,
    faults,
    options,
    clock: SIMULATED_EPOCH,
    mode,
    port: info.port,
    client: { name: NAMES.client, ip: NAMES.clientIp, ...(clientSmtp ? { smtp: clientSmtp } : {}), connectTimeoutMs: 30_000 },
    server: { name: NAMES.server, ip: NAMES.serverIp, ...(serverSmtp ? { smtp: serverSmtp } : {}), acceptDelayMs: 0 },
    link: defaultLink(),
    retries: 1,
    retryAfterMs: 300_000,
  };
}
