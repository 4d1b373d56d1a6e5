/**
 * Running the command line and OpenSSL's client for interop tests: `lab ...` in this process
 * (main(), no child), `lab serve ... --once` in this process until it listens, and `openssl
 * s_client` as a child with a hard timeout, read with `-msg` for the alerts it sent and received.
 * Everything started here is registered with the caller's cleanup list.
 */
import { connect, type Socket } from 'node:net';
import { main } from '../../src/cli/main.ts';
import { startProgram } from './processes.ts';

export type Cleanup = () => Promise<void> | void;

/** `lab ARGV...` in-process: exit status, stdout and stderr. */
export async function lab(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

export const lastLine = (text: string): string => text.trimEnd().split('\n').at(-1) ?? '';

export interface InProcessServe {
  /** The exit status, once the one connection is over. */
  exit: Promise<number>;
  output(): string;
  errors(): string;
}

/**
 * `lab serve URL ARGS... --once --timeout 20` in this process; resolves once it listens. If the
 * test ends before a client came, a connection that hangs up at once lets the server finish.
 */
export async function serveInProcess(args: string[], cleanups: Cleanup[]): Promise<InProcessServe> {
  let stdout = '';
  let stderr = '';
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const exit = main(['serve', ...args, '--once', '--timeout', '20'], {
    stdout: (t) => {
      stdout += t;
      if (/listening on/.test(stdout)) listening();
    },
    stderr: (t) => (stderr += t),
  });
  let settled = false;
  void exit.finally(() => (settled = true));
  cleanups.push(async () => {
    if (settled) return;
    const port = Number(/:(\d+)(?:\/|$)/.exec(args[0])?.[1]);
    await new Promise<void>((resolve) =>
      connect(port, '127.0.0.1')
        .on('connect', function (this: Socket) {
          this.destroy();
          resolve();
        })
        .on('error', () => resolve()),
    );
    await exit;
  });
  await Promise.race([ready, exit.then(() => Promise.reject(new Error(`lab serve ended early: ${stderr}${stdout}`)))]);
  return { exit, output: () => stdout, errors: () => stderr };
}

export interface SClientRun {
  output: string;
  code: number | null;
}

/**
 * `openssl s_client -connect 127.0.0.1:PORT ARGS...`: stdin stays open until `waitFor` appears in
 * its output (or at once without it), then closes, which ends s_client after the handshake.
 */
export async function sClient(
  port: number,
  args: string[],
  cleanups: Cleanup[],
  opts: { waitFor?: RegExp; timeoutMs?: number } = {},
): Promise<SClientRun> {
  const program = startProgram(
    'openssl',
    ['s_client', '-connect', `127.0.0.1:${port}`, ...args],
    opts.timeoutMs ?? 15_000,
  );
  cleanups.push(() => program.stop());
  const exited = new Promise<number | null>((resolve) => program.child.once('exit', (code) => resolve(code)));
  if (opts.waitFor) await program.waitFor(opts.waitFor);
  program.child.stdin.end();
  const code = await exited;
  return { output: program.output(), code };
}

export interface AlertSeen {
  name: string;
  code: number;
}

/**
 * The fatal alert s_client's `-msg` shows it sent (`>>>`) or received (`<<<`): the line
 * `>>> TLS 1.3, Alert [length 0002], fatal bad_certificate` and, under it, the two bytes.
 */
export function msgAlert(output: string, direction: 'sent' | 'received'): AlertSeen | undefined {
  const arrow = direction === 'sent' ? '>>>' : '<<<';
  const re = new RegExp(`^${arrow} [^\\n]*Alert \\[length 0002\\], fatal (\\w+)\\n\\s+02 ([0-9a-f]{2})`, 'm');
  const m = re.exec(output);
  return m ? { name: m[1], code: parseInt(m[2], 16) } : undefined;
}

/** How many messages of a kind s_client's `-msg` shows in one direction (`ClientHello`, `ServerHello`...). */
export function msgCount(output: string, direction: 'sent' | 'received', message: string): number {
  const arrow = direction === 'sent' ? '>>>' : '<<<';
  return output.split('\n').filter((l) => l.startsWith(arrow) && l.endsWith(`, ${message}`)).length;
}

/**
 * The alert `lab`'s outcome line names: `outcome: failed: client sent fatal alert unknown_ca (48)`
 * (a probe's last line, or a served connection's `connection 1 from ...: outcome: ...`).
 */
export function outcomeAlert(text: string): ({ party: string; direction: string } & AlertSeen) | undefined {
  const m = /(?:^|: )outcome: failed: (client|server) (sent|received) fatal alert (\w+) \((\d+)\)/m.exec(text);
  return m ? { party: m[1], direction: m[2], name: m[3], code: Number(m[4]) } : undefined;
}
