/**
 * `lab serve URL`: the project's server engines on a real socket, so that a real client
 * (`openssl s_client`, `swaks`, a mail client) can talk to the lab. SMTP is the simulation's
 * server (Postfix wording): STARTTLS offered on smtp://, required on submission:// (530 before it,
 * AUTH after it), implicit on smtps://; any recipient accepted. TLS alone greets with one line
 * and echoes lines back. Each connection is recorded as a trace (meta.source `serve`), reported
 * in one line, and written with --trace.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { extname } from 'node:path';
import { createWebCryptoProvider } from '../../crypto/webcrypto-provider.ts';
import { freshEntropy } from '../../crypto/entropy.ts';
import type { Engine } from '../../protocol/engine.ts';
import { SmtpServerEngine, type SmtpServerConfig } from '../../protocol/smtp/server.ts';
import { ConnectionStack } from '../../protocol/stack.ts';
import { Tls13Server } from '../../protocol/tls13/server.ts';
import { isFaultId } from '../../faults/catalogue.ts';
import { GENERATOR } from '../../machine/run-scenario.ts';
import { TraceRecorder, outcomeLine } from '../../trace/recorder.ts';
import type { Outcome, Trace } from '../../trace/types.ts';
import { UsageError, allowOnly, single, type ParsedArgs } from '../args.ts';
import type { CliIo } from '../main.ts';
import { freshIdentity, loadIdentity, type ServerIdentity } from './certificates.ts';
import { drive } from './drive.ts';
import { readAccount, readServerName, readTimeout } from './options.ts';
import { serveOutcome } from './outcome.ts';
import { parseTarget, plainAddress, type Target } from './target.ts';
import { TlsEchoServer } from './tls-apps.ts';

const SERVE_OPTIONS = ['servername', 'cert', 'key', 'ca-out', 'user', 'password', 'fault', 'trace', 'once', 'timeout'];

/** Postfix's smtpd_timeout: a served connection may idle this long (the SMTP server timer, RFC 5321 §4.5.3.2.7). */
export const SERVE_TIMEOUT_S = 300;

export const DEFAULT_ACCOUNT = { user: 'alice', password: 'password' } as const;

/** `trace.json`, `trace-2.json`, `trace-3.json`...: one file per connection. */
export function traceFileFor(base: string, index: number): string {
  if (index <= 1) return base;
  const ext = extname(base);
  return `${base.slice(0, base.length - ext.length)}-${index}${ext}`;
}

interface ServeSetup {
  target: Target;
  serverName: string;
  identity: ServerIdentity;
  account?: { user: string; password: string };
  timeoutMs: number;
}

function smtpConfig(setup: ServeSetup, index: number, clientIp: string): SmtpServerConfig {
  const { target, account } = setup;
  return {
    hostname: setup.serverName,
    clientIp,
    starttls: target.mode === 'starttls' ? 'offer' : 'off',
    implicitTls: target.mode === 'implicit',
    requireTls: target.scheme === 'submission',
    ...(account ? { auth: { mechanisms: ['PLAIN', 'LOGIN'], users: { [account.user]: account.password } } } : {}),
    queueIdBase: 0x8a6de17c1aa + (index - 1) * 0x100,
  };
}

function engineFor(setup: ServeSetup, index: number, clientIp: string): Engine {
  const makeTls = () =>
    new Tls13Server({
      provider: createWebCryptoProvider({ entropy: freshEntropy() }),
      certificateChain: setup.identity.chain,
      signingKey: setup.identity.signingKey,
      versions: ['TLS 1.3'],
    });
  if (setup.target.mode === 'tls-only') return new TlsEchoServer(makeTls());
  return new ConnectionStack({
    role: 'server',
    mode: setup.target.mode,
    smtp: new SmtpServerEngine(smtpConfig(setup, index, clientIp)),
    makeTls,
  });
}

/** Serve one accepted connection to its end; its trace and outcome. */
export async function serveConnection(
  setup: ServeSetup,
  socket: Socket,
  index: number,
): Promise<{ trace: Trace; outcome: Outcome }> {
  const clientIp = plainAddress(socket.remoteAddress);
  const recorder = new TraceRecorder({
    meta: {
      scenario: setup.target.scenario,
      faults: [],
      options: { tls: '1.3' },
      source: 'serve',
      clock: new Date().toISOString(),
      generator: GENERATOR,
    },
    endpoints: {
      client: { name: clientIp, ip: clientIp, port: socket.remotePort ?? 0 },
      server: {
        name: setup.serverName,
        ip: plainAddress(socket.localAddress),
        port: socket.localPort ?? setup.target.port,
      },
    },
    lanes: ['client', 'server'],
  });
  socket.setNoDelay(true);
  const result = await drive({
    engine: engineFor(setup, index, clientIp),
    socket,
    recorder,
    mode: setup.target.mode,
    timeoutMs: setup.timeoutMs,
  });
  const outcome = serveOutcome(setup.target.mode, result.summary);
  return { trace: recorder.finish(outcome), outcome };
}

export async function serveCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  allowOnly(args, SERVE_OPTIONS);
  if (args.positional.length !== 1)
    throw new UsageError(
      args.positional.length
        ? `serve takes one URL (got ${args.positional.length} arguments)`
        : 'serve needs a URL, e.g. smtp://127.0.0.1:2525',
    );
  const target = parseTarget(args.positional[0], 'serve');
  const faults = args.flags.get('fault') ?? [];
  for (const f of faults) if (!isFaultId(f)) throw new UsageError(`unknown fault "${f}" (see \`lab scenarios\`)`);
  if (faults.length) {
    throw new UsageError(
      '--fault is not available in lab serve yet: it needs the fault transforms (src/faults/apply.ts), which have not landed; serve runs healthy for now',
    );
  }
  const serverName = readServerName(args, 'localhost');
  const certPath = single(args, 'cert');
  const keyPath = single(args, 'key');
  const caOut = single(args, 'ca-out');
  if ((certPath === undefined) !== (keyPath === undefined)) throw new UsageError('--cert and --key go together');
  if (certPath && caOut) throw new UsageError('--ca-out writes the CA of a fresh PKI; with --cert/--key there is none');
  const given = readAccount(args);
  if (given && target.mode === 'tls-only')
    throw new UsageError('--user and --password are for SMTP AUTH: use smtp://, submission:// or smtps://');
  // AUTH is offered where a mail client submits (587, 465), and on 25 only when an account is given.
  const account = target.scheme === 'submission' || target.scheme === 'smtps' ? (given ?? DEFAULT_ACCOUNT) : given;
  const timeoutMs = readTimeout(args, SERVE_TIMEOUT_S);
  const once = single(args, 'once') === 'true';
  const traceBase = single(args, 'trace');

  const identity = certPath
    ? loadIdentity(certPath, keyPath!)
    : await freshIdentity(createWebCryptoProvider({ entropy: freshEntropy() }), {
        serverName,
        listenHost: target.host,
        now: Date.now(),
        ...(caOut ? { caOut } : {}),
      });
  const setup: ServeSetup = { target, serverName, identity, ...(account ? { account } : {}), timeoutMs };

  const server = createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot listen on ${target.host}:${target.port}: ${e.code ?? e.message}`)),
    );
    server.listen(target.port, target.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : target.port;
  const shownHost = target.host.includes(':') ? `[${target.host}]` : target.host;
  const url = `${target.scheme}://${shownHost}:${port}`;
  const lines = [`lab serve: listening on ${url} (TLS 1.3; certificate: ${identity.description})`];
  if (identity.caPath) {
    const starttls = target.mode === 'starttls' ? ' -starttls smtp' : '';
    lines.push(
      `root CA: ${identity.caPath}   e.g. openssl s_client -connect ${shownHost}:${port}${starttls} -servername ${serverName} -CAfile ${identity.caPath}`,
    );
  }
  if (account) lines.push(`AUTH PLAIN/LOGIN account: ${account.user} / ${account.password}`);
  io.stdout(lines.join('\n') + '\n');

  return new Promise<number>((resolve) => {
    const active = new Map<Socket, Promise<void>>();
    let count = 0;
    let stopped = false;
    const stop = (code: number) => {
      if (stopped) return;
      stopped = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      server.close();
      for (const socket of active.keys()) socket.destroy();
      void Promise.all(active.values()).then(() => resolve(code));
    };
    const onSignal = () => stop(0);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    server.on('connection', (socket: Socket) => {
      const index = ++count;
      if (stopped || (once && index > 1)) {
        socket.destroy();
        return;
      }
      if (once) server.close();
      const from = `${plainAddress(socket.remoteAddress)}:${socket.remotePort}`;
      const work = serveConnection(setup, socket, index).then(({ trace, outcome }) => {
        active.delete(socket);
        if (traceBase) {
          const file = traceFileFor(traceBase, index);
          try {
            writeFileSync(file, JSON.stringify(trace, null, 1) + '\n');
          } catch (e) {
            io.stderr(
              `lab: cannot write the trace to ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
            );
          }
        }
        io.stdout(`connection ${index} from ${from}: ${outcomeLine(outcome)}\n`);
        if (once) stop(outcome.status === 'ok' ? 0 : 1);
      });
      active.set(
        socket,
        work.catch((e: unknown) => {
          active.delete(socket);
          io.stderr(
            `lab: connection ${index} from ${from}: internal error: ${e instanceof Error ? e.message : String(e)}\n`,
          );
          if (once) stop(2);
        }),
      );
    });
  });
}
