/**
 * `lab serve` with real clients on 127.0.0.1: `openssl s_client` against `lab serve tls://...
 * --once` (run as `npm run -s lab`, for its exit status), swaks delivering through `lab serve
 * smtp://` and `submission://`, and the lab's own probe against the lab's server — both traces
 * recording the same bytes on the wire. Free ports, bounded timeouts, everything stopped after
 * each test.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { fromHex, latin1 } from '../../src/protocol/bytes/hex.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import type { MessageStep, Trace } from '../../src/trace/types.ts';
import { startLab } from '../support/lab-process.ts';
import { writePki } from '../support/pki-files.ts';
import { freePort, startProgram } from '../support/processes.ts';
import { testCertificate } from '../support/tls-certs.ts';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-cli-serve-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function readTrace(path: string): Trace {
  const parsed = parseTrace(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error} at ${parsed.path}`);
  return parsed.trace;
}

const messages = (t: Trace) => t.steps.filter((s): s is MessageStep => s.kind === 'message');
const text = (s: MessageStep) => latin1(fromHex(s.content.hex));

/**
 * `lab serve URL ... --once` in this process; resolves once it listens, with its exit status to
 * come. If the test ends first, a connection that hangs up at once lets the server finish.
 */
async function serveInProcess(args: string[]) {
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
  await Promise.race([ready, exit.then(() => Promise.reject(new Error(`lab serve ended early: ${stderr}`)))]);
  return { exit, output: () => stdout, errors: () => stderr };
}

function swaks(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      'swaks',
      ['--timeout', '15', ...args],
      { timeout: 30_000, killSignal: 'SIGKILL' },
      (error, stdout) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout) });
      },
    );
    child.stdin?.end();
  });
}

describe('openssl s_client against lab serve tls:// --once', () => {
  it("completes the handshake (Verify return code: 0), reads the hello line, and the trace shows the client's data", async () => {
    const dir = tempDir();
    const port = await freePort();
    const ca = join(dir, 'ca.pem');
    const traceFile = join(dir, 'serve.json');
    const serve = startLab(
      ['serve', `tls://127.0.0.1:${port}`, '--once', '--ca-out', ca, '--trace', traceFile, '--timeout', '20'],
      { timeoutMs: 45_000 },
    );
    cleanups.push(() => serve.stop());
    await serve.waitFor(/listening on tls:\/\/127\.0\.0\.1:\d+/, 30_000);
    expect(existsSync(ca)).toBe(true);

    const client = startProgram('openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-servername',
      'localhost',
      '-CAfile',
      ca,
      '-tls1_3',
    ]);
    cleanups.push(() => client.stop());
    await client.waitFor(/Handshake Lab: hello over TLS/);
    client.child.stdin.write('ping from s_client\n');
    await client.waitFor(/ping from s_client/);
    // End of input: s_client sends close_notify and leaves.
    client.child.stdin.end();

    expect(await serve.exited).toBe(0);
    expect(client.output()).toMatch(/Verify return code: 0 \(ok\)/);
    expect(serve.stdout()).toMatch(
      /^connection 1 from 127\.0\.0\.1:\d+: outcome: ok \(TLS 1\.3 TLS_AES_\d+_GCM_SHA\d+ x25519; 19 bytes of application data received \(1 line echoed\)\)$/m,
    );

    const trace = readTrace(traceFile);
    expect(trace.meta).toMatchObject({ source: 'serve', scenario: 'tls13' });
    const fromClient = messages(trace).filter((s) => s.from === 'client' && s.name === 'ApplicationData');
    expect(fromClient.map(text)).toEqual(['ping from s_client\n']);
    expect(fromClient[0].record?.key).toBe('client_application_traffic_secret_0');
    const fromServer = messages(trace)
      .filter((s) => s.from === 'server' && s.name === 'ApplicationData')
      .map(text);
    expect(fromServer).toEqual(['Handshake Lab: hello over TLS\n', 'ping from s_client\n']);
    expect(
      messages(trace).some((s) => s.from === 'client' && s.name === 'Alert' && s.label.includes('close_notify')),
    ).toBe(true);
  });

  it("a client that does not trust the lab's CA refuses the certificate, and the server reports the alert it received", async () => {
    const dir = tempDir();
    const port = await freePort();
    const other = await writePki({ dnsNames: ['localhost'] });
    cleanups.push(() => other.remove());
    const serve = await serveInProcess([`tls://127.0.0.1:${port}`, '--ca-out', join(dir, 'ca.pem')]);
    const client = startProgram('openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-servername',
      'localhost',
      '-CAfile',
      other.caPath,
      '-verify_return_error',
      '-tls1_3',
    ]);
    cleanups.push(() => client.stop());
    expect(await serve.exit).toBe(1);
    expect(serve.output()).toMatch(/outcome: failed: server received fatal alert unknown_ca \(48\)/);
  });
});

describe("lab serve with the user's own certificate (--cert, --key)", () => {
  it('serves an OpenSSL-made RSA certificate whose key is in the traditional PKCS#1 form; s_client verifies it', async () => {
    const dir = tempDir();
    const cert = testCertificate('rsa', 'localhost');
    const pkcs1 = join(dir, 'rsa-key.pem');
    execFileSync('openssl', ['rsa', '-in', cert.keyPemPath, '-traditional', '-out', pkcs1], {
      timeout: 20_000,
      stdio: 'ignore',
    });
    expect(readFileSync(pkcs1, 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const port = await freePort();
    const serve = await serveInProcess([`tls://127.0.0.1:${port}`, '--cert', cert.certPemPath, '--key', pkcs1]);
    expect(serve.output()).not.toContain('root CA:');
    const client = startProgram('openssl', [
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-servername',
      'localhost',
      '-CAfile',
      cert.certPemPath,
      '-tls1_3',
    ]);
    cleanups.push(() => client.stop());
    await client.waitFor(/Handshake Lab: hello over TLS/);
    client.child.stdin.end();
    expect(await serve.exit).toBe(0);
    expect(client.output()).toMatch(/Verify return code: 0 \(ok\)/);
    expect(client.output()).toMatch(/Peer signature type: RSA-PSS/);
  });
});

describe('lab probe against lab serve', () => {
  it("both sides record the same bytes on the wire, and the server's trace shows the client's SMTP lines inside TLS", async () => {
    const dir = tempDir();
    const port = await freePort();
    const ca = join(dir, 'ca.pem');
    const traceFile = join(dir, 'serve.json');
    const serve = await serveInProcess([
      `submission://127.0.0.1:${port}`,
      '--ca-out',
      ca,
      '--trace',
      traceFile,
      '--servername',
      'mail.lab.test',
    ]);
    let probeOut = '';
    const probeCode = await main(
      [
        'probe',
        `submission://127.0.0.1:${port}`,
        '--servername',
        'mail.lab.test',
        '--trust',
        ca,
        '--user',
        'alice',
        '--password',
        'password',
        '--from',
        'alice@lab.test',
        '--to',
        'bob@lab.test',
        '--format',
        'json',
      ],
      { stdout: (t) => (probeOut += t), stderr: () => undefined },
    );
    expect(probeCode).toBe(0);
    expect(await serve.exit).toBe(0);
    const probe = parseTrace(probeOut);
    if (!probe.ok) throw new Error(probe.error);
    const server = readTrace(traceFile);
    for (const dir of ['c2s', 's2c'] as const) {
      const seen = (t: Trace) =>
        t.segments
          .filter((s) => s.direction === dir)
          .map((s) => s.hex)
          .join('');
      expect(seen(server), dir).toBe(seen(probe.trace));
    }
    const clientLines = messages(server).filter((s) => s.from === 'client' && s.layer === 'smtp');
    expect(clientLines.map((s) => s.name)).toEqual([
      'EHLO',
      'STARTTLS',
      'EHLO',
      'AUTH',
      'MAIL',
      'RCPT',
      'DATA',
      'mail-data',
      'QUIT',
    ]);
    for (const s of clientLines.slice(2))
      expect(s).toMatchObject({ protection: 'application', record: { key: 'client_application_traffic_secret_0' } });
    expect(server.outcome).toMatchObject({ status: 'ok', delivered: true, encrypted: true });
    expect(probe.trace.outcome).toMatchObject({ status: 'ok', delivered: true, encrypted: true });
  });
});

describe('swaks through lab serve', () => {
  it('delivers a message over STARTTLS through smtp:// (swaks exit 0; the trace shows STARTTLS and the 250 after DATA)', async () => {
    const dir = tempDir();
    const port = await freePort();
    const traceFile = join(dir, 'smtp.json');
    const serve = await serveInProcess([
      `smtp://127.0.0.1:${port}`,
      '--ca-out',
      join(dir, 'ca.pem'),
      '--trace',
      traceFile,
    ]);
    const { code, stdout } = await swaks([
      '--server',
      `127.0.0.1:${port}`,
      '--tls',
      '--to',
      'x@example.test',
      '--from',
      'y@example.test',
      '--helo',
      'swaks.example.test',
    ]);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('<-  220 2.0.0 Ready to start TLS');
    expect(stdout).toMatch(/<~ {2}250 2\.0\.0 Ok: queued as 8A6DE17C1AA/);
    expect(await serve.exit).toBe(0);
    expect(serve.output()).toMatch(
      /connection 1 from 127\.0\.0\.1:\d+: outcome: ok \(TLS 1\.3 .*; message received over TLS, queued as 8A6DE17C1AA\)/,
    );

    const steps = messages(readTrace(traceFile));
    const starttls = steps.findIndex((s) => s.from === 'client' && s.name === 'STARTTLS');
    const ready = steps.findIndex((s) => s.from === 'server' && text(s).startsWith('220 2.0.0 Ready to start TLS'));
    const data = steps.findIndex((s) => s.from === 'client' && s.name === 'DATA');
    const queued = steps.findIndex((s) => s.from === 'server' && text(s).startsWith('250 2.0.0 Ok: queued as'));
    expect(starttls).toBeGreaterThan(-1);
    expect(ready).toBeGreaterThan(starttls);
    expect(data).toBeGreaterThan(ready);
    expect(queued).toBeGreaterThan(data);
    expect(steps[data]).toMatchObject({ phase: 'smtp-tls', protection: 'application' });
    expect(steps[queued]).toMatchObject({
      phase: 'smtp-tls',
      protection: 'application',
      record: { key: 'server_application_traffic_secret_0' },
    });
  });

  it('submission:// with AUTH PLAIN: 530 would come before TLS; after it swaks authenticates and delivers', async () => {
    const dir = tempDir();
    const port = await freePort();
    const traceFile = join(dir, 'submission.json');
    const serve = await serveInProcess([
      `submission://127.0.0.1:${port}`,
      '--ca-out',
      join(dir, 'ca.pem'),
      '--trace',
      traceFile,
    ]);
    const { code, stdout } = await swaks([
      '--server',
      `127.0.0.1:${port}`,
      '--tls',
      '--to',
      'x@example.test',
      '--from',
      'y@example.test',
      '--auth',
      'PLAIN',
      '--auth-user',
      'alice',
      '--auth-password',
      'password',
    ]);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain('<~  235 2.7.0 Authentication successful');
    expect(await serve.exit).toBe(0);
    const steps = messages(readTrace(traceFile));
    const auth = steps.find((s) => s.from === 'client' && s.name === 'AUTH');
    expect(auth).toMatchObject({ phase: 'smtp-tls', protection: 'application' });
    expect(steps.some((s) => s.from === 'server' && text(s).startsWith('250 2.0.0 Ok: queued as'))).toBe(true);
  });

  it('submission:// refuses a wrong password with 535 5.7.8; swaks fails', async () => {
    const dir = tempDir();
    const port = await freePort();
    const serve = await serveInProcess([`submission://127.0.0.1:${port}`, '--ca-out', join(dir, 'ca.pem')]);
    const { code, stdout } = await swaks([
      '--server',
      `127.0.0.1:${port}`,
      '--tls',
      '--to',
      'x@example.test',
      '--from',
      'y@example.test',
      '--auth',
      'PLAIN',
      '--auth-user',
      'alice',
      '--auth-password',
      'nope',
    ]);
    expect(code).not.toBe(0);
    expect(stdout).toContain('<~* 535 5.7.8 Error: authentication failed: authentication failure');
    await serve.exit;
  });
});

describe('lab serve: bad usage exits 2 with one line', () => {
  for (const argv of [
    ['serve'],
    ['serve', 'ftp://127.0.0.1:2121'],
    ['serve', 'tls://127.0.0.1:4433', '--fault', 'tamper-record'],
    ['serve', 'tls://127.0.0.1:4433', '--key-type', 'dsa'],
    ['serve', 'tls://127.0.0.1:4433', '--cert', '/nonexistent.pem', '--key', '/nonexistent.pem', '--key-type', 'rsa'],
    ['serve', 'tls://127.0.0.1:4433', '--fault', 'nope'],
    ['serve', 'tls://127.0.0.1:4433', '--cert', '/nonexistent.pem'],
    ['serve', 'tls://127.0.0.1:4433', '--user', 'alice', '--password', 'x'],
  ]) {
    it(`lab ${argv.join(' ')}`, async () => {
      let stdout = '';
      let stderr = '';
      const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^lab: /);
    });
  }
});
