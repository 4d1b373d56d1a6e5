/**
 * The fault table on the project's server side (issue 5): `lab serve tls://127.0.0.1:PORT --fault F
 * --once` (in this process), and `openssl s_client` verifying as a careful client does (the CA file
 * lab serve wrote, the name, `-verify_return_error`, the CRL for revoked) reports the matching
 * verify error, while the server reports the alert OpenSSL sent; for the server's configuration
 * faults s_client receives the server's alert. Then what s_client cannot show: STARTTLS refused,
 * greylisting, an overloaded server and a reset, with the lab's own probe; and the faults a server
 * cannot play, refused with a reason and exit 2.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTrace } from '../../src/trace/schema.ts';
import type { MessageStep } from '../../src/trace/types.ts';
import { startLab } from '../support/lab-process.ts';
import { writePki } from '../support/pki-files.ts';
import { freePort } from '../support/processes.ts';
import {
  lab,
  lastLine,
  msgAlert,
  msgCount,
  outcomeAlert,
  sClient,
  serveInProcess,
  type Cleanup,
} from '../support/cli-runs.ts';

let cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-cli-faults-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `lab serve tls://127.0.0.1:PORT --fault F... --once`, its CA written to a temp dir. */
async function serveFault(faults: string[], scheme = 'tls', extra: string[] = []) {
  const dir = tempDir();
  const port = await freePort();
  const ca = join(dir, 'ca.pem');
  const traceFile = join(dir, 'serve.json');
  const serve = await serveInProcess(
    [
      `${scheme}://127.0.0.1:${port}`,
      ...faults.flatMap((f) => ['--fault', f]),
      '--ca-out',
      ca,
      '--trace',
      traceFile,
      ...extra,
    ],
    cleanups,
  );
  return { port, ca, crl: join(dir, 'ca.crl.pem'), serve, traceFile };
}

/** s_client as a careful client: the lab's CA, the name checked, verify errors fatal. */
const verifyArgs = (ca: string) => [
  '-servername',
  'localhost',
  '-verify_hostname',
  'localhost',
  '-CAfile',
  ca,
  '-verify_return_error',
  '-msg',
];

describe('certificate faults on lab serve: openssl s_client reports the matching verify error', () => {
  const cases = [
    { fault: 'cert-expired', verify: '10 (certificate has expired)', alert: 'certificate_expired (45)' },
    // s_client's clock is the real one: lab serve issues the leaf with notBefore three days ahead.
    { fault: 'cert-not-yet-valid', verify: '9 (certificate is not yet valid)', alert: 'bad_certificate (42)' },
    { fault: 'cert-wrong-host', verify: '62 (hostname mismatch)', alert: 'bad_certificate (42)' },
    { fault: 'cert-self-signed', verify: '18 (self-signed certificate)', alert: 'unknown_ca (48)' },
    { fault: 'cert-untrusted-root', verify: '20 (unable to get local issuer certificate)', alert: 'unknown_ca (48)' },
    {
      fault: 'cert-missing-intermediate',
      verify: '20 (unable to get local issuer certificate)',
      alert: 'unknown_ca (48)',
    },
    { fault: 'cert-revoked', verify: '23 (certificate revoked)', alert: 'certificate_revoked (44)' },
  ];
  for (const c of cases) {
    it(`${c.fault}: Verify return code: ${c.verify}; the server receives ${c.alert}`, async () => {
      const { port, ca, crl, serve } = await serveFault([c.fault]);
      const revoked = c.fault === 'cert-revoked';
      const s = await sClient(port, [...verifyArgs(ca), ...(revoked ? ['-crl_check', '-CRL', crl] : [])], cleanups);
      expect(s.output).toContain(`Verify return code: ${c.verify}`);
      expect(await serve.exit).toBe(1);
      const sent = msgAlert(s.output, 'sent');
      expect(`${sent?.name} (${sent?.code})`).toBe(c.alert);
      expect(outcomeAlert(serve.output())).toEqual({ party: 'server', direction: 'received', ...sent });
      if (revoked) expect(serve.output()).toContain(`CRL: ${crl}`);
    });
  }

  it('cert-untrusted-root and cert-not-yet-valid say at startup what lab serve changed for a real client', async () => {
    const untrusted = await serveFault(['cert-untrusted-root']);
    expect(untrusted.serve.output()).toContain(`root CA: ${untrusted.ca} — NOT the root that issued this chain`);
    const early = await serveFault(['cert-not-yet-valid']);
    expect(early.serve.output()).toMatch(/^fault: the leaf is valid from \S+ \(\d+(\.\d+)? days from now\)/m);
    expect(early.serve.output()).toMatch(/a real client keeps its own clock/);
    // Let both servers finish: a client that leaves at once.
    await sClient(untrusted.port, ['-CAfile', untrusted.ca], cleanups);
    await sClient(early.port, ['-CAfile', early.ca], cleanups);
    await Promise.all([untrusted.serve.exit, early.serve.exit]);
  });
});

describe("server configuration faults on lab serve: s_client receives the server's alert", () => {
  it('no-shared-cipher: handshake_failure (40)', async () => {
    const { port, ca, serve } = await serveFault(['no-shared-cipher']);
    const s = await sClient(port, verifyArgs(ca), cleanups);
    expect(msgAlert(s.output, 'received')).toEqual({ name: 'handshake_failure', code: 40 });
    expect(s.output).toMatch(/alert handshake failure/);
    expect(await serve.exit).toBe(1);
    expect(lastLine(serve.output())).toMatch(/outcome: failed: server sent fatal alert handshake_failure \(40\) — /);
  });

  it('no-shared-version: a TLS 1.3 client (s_client -tls1_3) gets protocol_version (70)', async () => {
    const { port, ca, serve } = await serveFault(['no-shared-version']);
    expect(serve.output()).toMatch(/listening on tls:\/\/127\.0\.0\.1:\d+ \(TLS 1\.2;/);
    const s = await sClient(port, [...verifyArgs(ca), '-tls1_3'], cleanups);
    expect(msgAlert(s.output, 'received')).toEqual({ name: 'protocol_version', code: 70 });
    expect(await serve.exit).toBe(1);
    expect(lastLine(serve.output())).toMatch(/outcome: failed: server sent fatal alert protocol_version \(70\) — /);
  });

  it('no-shared-group: handshake_failure (40)', async () => {
    const { port, ca, serve } = await serveFault(['no-shared-group']);
    const s = await sClient(port, verifyArgs(ca), cleanups);
    expect(msgAlert(s.output, 'received')).toEqual({ name: 'handshake_failure', code: 40 });
    expect(await serve.exit).toBe(1);
  });

  it('hrr-group: s_client sends an x25519 share, is asked again for P-256 and completes', async () => {
    const { port, ca, serve, traceFile } = await serveFault(['hrr-group']);
    const s = await sClient(port, [...verifyArgs(ca), '-groups', 'X25519:P-256'], cleanups, {
      waitFor: /Handshake Lab: hello over TLS/,
    });
    expect(msgCount(s.output, 'sent', 'ClientHello')).toBe(2);
    expect(s.output).toMatch(/Verify return code: 0 \(ok\)/);
    expect(await serve.exit).toBe(0);
    expect(lastLine(serve.output())).toMatch(/outcome: ok \(TLS 1\.3 TLS_AES_\d+_GCM_SHA\d+ secp256r1;/);
    const trace = parseTrace(readFileSync(traceFile, 'utf8'));
    if (!trace.ok) throw new Error(trace.error);
    const names = trace.trace.steps.filter((s): s is MessageStep => s.kind === 'message').map((s) => s.name);
    expect(names).toContain('HelloRetryRequest');
  });

  it('bad-certificate-verify and bad-finished: s_client answers decrypt_error (51)', async () => {
    const cv = await serveFault(['bad-certificate-verify']);
    const fin = await serveFault(['bad-finished']);
    const [a, b] = await Promise.all([
      sClient(cv.port, verifyArgs(cv.ca), cleanups),
      sClient(fin.port, verifyArgs(fin.ca), cleanups),
    ]);
    expect(a.output).toMatch(/bad signature/);
    expect(msgAlert(a.output, 'sent')).toEqual({ name: 'decrypt_error', code: 51 });
    expect(b.output).toMatch(/digest check failed/);
    expect(msgAlert(b.output, 'sent')).toEqual({ name: 'decrypt_error', code: 51 });
    expect(await cv.serve.exit).toBe(1);
    expect(await fin.serve.exit).toBe(1);
  });

  it('TLS 1.2 too: bad-certificate-verify with s_client -tls1_2 gets decrypt_error (51) over the ServerKeyExchange', async () => {
    const { port, ca, serve } = await serveFault(['bad-certificate-verify']);
    const s = await sClient(port, [...verifyArgs(ca), '-tls1_2'], cleanups);
    expect(msgAlert(s.output, 'sent')).toEqual({ name: 'decrypt_error', code: 51 });
    expect(await serve.exit).toBe(1);
  });

  it('connection-reset: the server resets instead of its first flight; s_client sees the reset, no alert', async () => {
    const { port, ca, serve, traceFile } = await serveFault(['connection-reset']);
    const s = await sClient(port, verifyArgs(ca), cleanups);
    expect(s.output).toMatch(/errno=104|Connection reset by peer/);
    expect(msgCount(s.output, 'received', 'ServerHello')).toBe(0);
    expect(await serve.exit).toBe(1);
    expect(lastLine(serve.output())).toMatch(/outcome: failed: server: connection reset — /);
    const trace = parseTrace(readFileSync(traceFile, 'utf8'));
    if (!trace.ok) throw new Error(`${trace.error} at ${trace.path}`);
    // The server's RST is in the capture, and it sent no data: the reset replaced its first flight.
    expect(trace.trace.segments.filter((g) => g.direction === 's2c').map((g) => g.flags.join(','))).toEqual([
      'SYN,ACK',
      'RST,ACK',
    ]);
  });
});

describe('SMTP faults on lab serve, seen by the lab probe', () => {
  it('starttls-unavailable: 454 4.7.0; an opportunistic probe goes on in plaintext, --require-tls refuses', async () => {
    const first = await serveFault(['starttls-unavailable'], 'smtp');
    const fallback = await lab(
      'probe',
      `smtp://127.0.0.1:${first.port}`,
      '--servername',
      'localhost',
      '--trust',
      first.ca,
    );
    expect(fallback.stdout).toContain('454 4.7.0 TLS not available due to local problem');
    expect(lastLine(fallback.stdout)).toMatch(/^outcome: ok \(probe only: no message sent; WARNING: STARTTLS failed/);
    await first.serve.exit;

    const second = await serveFault(['starttls-unavailable'], 'smtp');
    const strict = await lab(
      'probe',
      `smtp://127.0.0.1:${second.port}`,
      '--servername',
      'localhost',
      '--trust',
      second.ca,
      '--require-tls',
    );
    expect(strict.code).toBe(1);
    expect(lastLine(strict.stdout)).toMatch(/^outcome: failed: client: /);
    await second.serve.exit;
  });

  it('greylisted: the first RCPT gets 451 4.7.1', async () => {
    const { port, ca, serve } = await serveFault(['greylisted'], 'smtp');
    expect(serve.output()).toMatch(/^fault: the server greylists: .* passes after 240 s$/m);
    const probe = await lab(
      'probe',
      `smtp://127.0.0.1:${port}`,
      '--servername',
      'localhost',
      '--trust',
      ca,
      '--from',
      'alice@example.test',
      '--to',
      'bob@example.test',
    );
    expect(probe.code).toBe(1);
    expect(lastLine(probe.stdout)).toMatch(/^outcome: failed: client: 451 4\.7\.1 .*Greylisted/);
    await serve.exit;
  });

  it('server-overloaded: no greeting; a probe that waits 1 s gives up, and the server says the client left', async () => {
    const { port, ca, serve, traceFile } = await serveFault(['server-overloaded'], 'smtp');
    const probe = await lab('probe', `smtp://127.0.0.1:${port}`, '--trust', ca, '--timeout', '1');
    expect(probe.code).toBe(1);
    expect(probe.stdout).not.toMatch(/S → C {2}\[SMTP\] 220/);
    expect(lastLine(probe.stdout)).toMatch(/^outcome: failed: client: timeout — /);
    expect(await serve.exit).toBe(1);
    expect(lastLine(serve.output())).toMatch(
      /outcome: failed: server: the client left after [\d.]+ s, before this server \(busy for 360 s\) answered/,
    );
    // The served connection's trace, the wait included, is one the app opens.
    const trace = parseTrace(readFileSync(traceFile, 'utf8'));
    expect(trace.ok, trace.ok ? '' : `${trace.error} at ${trace.path}`).toBe(true);
    if (trace.ok) expect(trace.trace.steps.some((s) => s.kind === 'note' && s.name === 'lab.start-delay')).toBe(true);
  });
});

describe('lab serve --fault: what a server cannot play is refused with the reason (exit 2, one line)', () => {
  for (const fault of [
    'firewall-drop',
    'packet-loss',
    'tamper-record',
    'cert-substitution',
    'downgrade',
    'strip-starttls',
    'mail-before-starttls',
    'auth-failed',
  ]) {
    it(fault, async () => {
      const scheme = ['strip-starttls', 'mail-before-starttls', 'auth-failed'].includes(fault) ? 'submission' : 'tls';
      const { code, stdout, stderr } = await lab('serve', `${scheme}://127.0.0.1:1`, '--fault', fault);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(new RegExp(`^lab: --fault ${fault} cannot be played by lab serve: \\S`));
    });
  }

  it('a fault that does not apply to the URL, and a certificate fault with --cert/--key', async () => {
    const notHere = await lab('serve', 'tls://127.0.0.1:1', '--fault', 'greylisted');
    expect(notHere.code).toBe(2);
    expect(notHere.stderr).toMatch(/^lab: --fault greylisted does not apply to tls13 /);
    const files = await writePki({ dnsNames: ['localhost'] });
    cleanups.push(() => files.remove());
    const own = await lab(
      'serve',
      'tls://127.0.0.1:1',
      '--cert',
      files.chainPath,
      '--key',
      files.keyPath,
      '--fault',
      'cert-expired',
    );
    expect(own.code).toBe(2);
    expect(own.stderr).toBe(
      "lab: --fault cert-expired makes the server's certificates (and the client's CA file): it cannot use --cert/--key\n",
    );
  });

  it('through npm run -s lab as a user types it', async () => {
    const run = startLab(['serve', 'tls://127.0.0.1:1', '--fault', 'firewall-drop'], { timeoutMs: 30_000 });
    cleanups.push(() => run.stop());
    expect(await run.exited).toBe(2);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toMatch(/^lab: --fault firewall-drop cannot be played by lab serve: .*\n$/);
  });
});
