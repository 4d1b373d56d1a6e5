/**
 * `lab probe tls://` against `openssl s_server -tls1_3` on 127.0.0.1 (free port, killed after each
 * test), with certificates from makePki written as PEM: the probe ends `outcome: ok` naming
 * version, suite and group; an expired leaf ends `outcome: failed` with certificate_expired (45)
 * and exit 1; the keylog and pcap exports carry the real handshake, and tshark decrypts the pcap.
 * One run goes through `npm run -s lab` for the exit status of an unreachable host.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseTrace } from '../../src/trace/schema.ts';
import { startLab } from '../support/lab-process.ts';
import { writePki, type PkiFiles } from '../support/pki-files.ts';
import { freePort, startProgram } from '../support/processes.ts';

const DAY = 86_400_000;
const NAME = 'mail.interop.test';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function lab(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function pki(leaf: Parameters<typeof writePki>[0] = { dnsNames: [NAME] }): Promise<PkiFiles> {
  const files = await writePki(leaf);
  cleanups.push(() => files.remove());
  return files;
}

async function sServer(files: PkiFiles, extra: string[] = []): Promise<number> {
  const port = await freePort();
  const program = startProgram('openssl', [
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    '-naccept',
    '1',
    '-tls1_3',
    '-cert',
    files.leafPath,
    '-cert_chain',
    files.intermediatePath,
    '-key',
    files.keyPath,
    ...extra,
  ]);
  cleanups.push(() => program.stop());
  await program.waitFor(/ACCEPT/);
  return port;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hl-cli-probe-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('lab probe tls:// against openssl s_server -tls1_3', () => {
  it('ends outcome: ok naming TLS 1.3, the suite and the group', async () => {
    const files = await pki();
    const port = await sServer(files);
    const { code, stdout, stderr } = await lab(
      'probe',
      `tls://127.0.0.1:${port}`,
      '--servername',
      NAME,
      '--trust',
      files.caPath,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(lastLine(stdout)).toMatch(/^outcome: ok \(TLS 1\.3 TLS_AES_(128_GCM_SHA256|256_GCM_SHA384) x25519\)$/);
    // The transcript shows both sides: what the probe sent and what OpenSSL answered.
    for (const line of [
      'C → S  [TLS] ClientHello',
      'S → C  [TLS] ServerHello',
      'S → C  [TLS] Certificate (2 certificates)',
      'S → C  [TLS] Finished',
      'C → S  [TLS] Finished',
      'client: TLS established',
    ]) {
      expect(stdout).toContain(line);
    }
  });

  it('names the group and suite it was asked for (secp256r1, TLS_AES_256_GCM_SHA384)', async () => {
    const files = await pki();
    const port = await sServer(files);
    const { code, stdout } = await lab(
      'probe',
      `tls://127.0.0.1:${port}`,
      '--servername',
      NAME,
      '--trust',
      files.caPath,
      '--group',
      'secp256r1',
      '--suite',
      'TLS_AES_256_GCM_SHA384',
    );
    expect(code).toBe(0);
    expect(lastLine(stdout)).toBe('outcome: ok (TLS 1.3 TLS_AES_256_GCM_SHA384 secp256r1)');
  });

  it('with an expired leaf on the OpenSSL side, ends outcome: failed naming certificate_expired (45), exit 1', async () => {
    const now = Date.now();
    const files = await pki({ dnsNames: [NAME], notBefore: now - 60 * DAY, notAfter: now - DAY });
    const port = await sServer(files);
    const { code, stdout } = await lab(
      'probe',
      `tls://127.0.0.1:${port}`,
      '--servername',
      NAME,
      '--trust',
      files.caPath,
    );
    expect(code).toBe(1);
    expect(lastLine(stdout)).toMatch(/^outcome: failed: client sent fatal alert certificate_expired \(45\)/);
    expect(stdout).toContain('C → S  [TLS] Alert: certificate_expired (45)');
  });

  it('refuses a certificate for another name with bad_certificate (42), and an untrusted root with unknown_ca (48)', async () => {
    const files = await pki();
    const port = await sServer(files);
    const wrongName = await lab(
      'probe',
      `tls://127.0.0.1:${port}`,
      '--servername',
      'other.interop.test',
      '--trust',
      files.caPath,
    );
    expect(wrongName.code).toBe(1);
    expect(lastLine(wrongName.stdout)).toMatch(/^outcome: failed: client sent fatal alert bad_certificate \(42\)/);

    const other = await pki();
    const port2 = await sServer(files);
    const untrusted = await lab('probe', `tls://127.0.0.1:${port2}`, '--servername', NAME, '--trust', other.caPath);
    expect(untrusted.code).toBe(1);
    expect(lastLine(untrusted.stdout)).toMatch(/^outcome: failed: client sent fatal alert unknown_ca \(48\)/);
  });

  it('--format json prints a trace the app accepts, recorded as a probe with the TCP segments', async () => {
    const files = await pki();
    const port = await sServer(files);
    const { code, stdout } = await lab(
      'probe',
      `tls://127.0.0.1:${port}`,
      '--servername',
      NAME,
      '--trust',
      files.caPath,
      '--format',
      'json',
    );
    expect(code).toBe(0);
    const parsed = parseTrace(stdout);
    expect(parsed.ok, parsed.ok ? '' : `${parsed.error} at ${parsed.path}`).toBe(true);
    if (!parsed.ok) return;
    const trace = parsed.trace;
    expect(trace.meta).toMatchObject({ source: 'probe', scenario: 'tls13' });
    expect(trace.endpoints.server).toMatchObject({ name: NAME, ip: '127.0.0.1', port });
    expect(trace.segments.filter((s) => s.hex === '').map((s) => s.flags.join(','))).toEqual(
      expect.arrayContaining(['SYN', 'SYN,ACK', 'ACK', 'FIN,ACK']),
    );
    // What the probe sent, byte for byte: its data segments are its records.
    const sentRecords = trace.steps
      .filter((s) => s.kind === 'message' && s.from === 'client' && s.layer === 'tls')
      .map((s) => (s.kind === 'message' ? (s.record?.hex ?? s.content.hex) : ''));
    const sentSegments = trace.segments.filter((s) => s.direction === 'c2s').map((s) => s.hex);
    expect(sentSegments.join('')).toBe([...new Set(sentRecords)].join(''));
    expect(trace.outcome).toMatchObject({ status: 'ok', tls: { version: 'TLS 1.3', group: 'x25519' } });
  });

  it('--format keylog prints the five TLS 1.3 secrets for the real client_random', async () => {
    const files = await pki();
    const port = await sServer(files);
    const { code, stdout } = await lab(
      'probe',
      `tls://127.0.0.1:${port}`,
      '--servername',
      NAME,
      '--trust',
      files.caPath,
      '--format',
      'keylog',
    );
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual([
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_TRAFFIC_SECRET_0',
    ]);
    for (const l of lines) expect(l).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64}$/);
    expect(new Set(lines.map((l) => l.split(' ')[1])).size).toBe(1);
  });

  it('--format pcap writes a capture tshark opens and decrypts, with no malformed packet', async () => {
    const files = await pki();
    const port = await sServer(files);
    const out = join(tempDir(), 'probe.pcapng');
    const { code } = await lab(
      'probe',
      `tls://127.0.0.1:${port}`,
      '--servername',
      NAME,
      '--trust',
      files.caPath,
      '--format',
      'pcap',
      '--out',
      out,
    );
    expect(code).toBe(0);
    expect(readFileSync(out).length).toBeGreaterThan(0);
    const decodeAs = ['-d', `tcp.port==${port},tls`];
    const text = execFileSync('tshark', ['-r', out, ...decodeAs], { encoding: 'utf8', timeout: 20_000 });
    expect(text).toMatch(/Client Hello/);
    expect(text).toMatch(/Server Hello/);
    // Only with the embedded secrets can tshark read these: they travel encrypted.
    expect(text).toMatch(/Encrypted Extensions/);
    expect(text).toMatch(/Certificate Verify/);
    expect(text).toMatch(/Finished/);
    const malformed = execFileSync(
      'tshark',
      ['-r', out, ...decodeAs, '-Y', '_ws.malformed || _ws.expert.severity == error'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(malformed.trim()).toBe('');
  });
});

describe('lab probe: bad usage and unreachable hosts exit 2 with one line', () => {
  it('an unreachable host, through npm run -s lab as a user types it', async () => {
    const port = await freePort();
    const run = startLab(['probe', `tls://127.0.0.1:${port}`, '--timeout', '10'], { timeoutMs: 30_000 });
    cleanups.push(() => run.stop());
    expect(await run.exited).toBe(2);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toBe(`lab: cannot connect to 127.0.0.1:${port}: ECONNREFUSED\n`);
  });

  for (const argv of [
    ['probe'],
    ['probe', 'http://example.net'],
    ['probe', 'tls://127.0.0.1:1', '--tls', '1.4'],
    ['probe', 'tls://127.0.0.1:1', '--suite', 'TLS_RSA_WITH_AES_128_GCM_SHA256'],
    ['probe', 'tls://127.0.0.1:1', '--tls', '1.2', '--suite', 'TLS_AES_128_GCM_SHA256'],
    ['probe', 'tls://127.0.0.1:1', '--crl', '/nonexistent/crl.pem'],
    ['probe', 'tls://127.0.0.1:1', '--format', 'pcap'],
    ['probe', 'tls://127.0.0.1:1', '--user', 'a', '--password', 'b'],
    ['probe', 'smtp://127.0.0.1:1', '--from', 'a@example.test'],
    ['probe', 'smtp://127.0.0.1:1', '--user', 'a'],
    ['probe', 'tls://127.0.0.1:1', '--trust', '/nonexistent/ca.pem'],
    ['probe', 'tls://127.0.0.1:1', '--servername', 'bad name'],
    ['probe', 'tls://127.0.0.1:1', '--timeout', 'soon'],
  ]) {
    it(`lab ${argv.join(' ')}`, async () => {
      const { code, stdout, stderr } = await lab(...argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^lab: /);
    });
  }

  it('names the suites a version accepts when --suite belongs to the other one', async () => {
    const { stderr } = await lab('probe', 'tls://127.0.0.1:1', '--tls', '1.2', '--suite', 'TLS_AES_128_GCM_SHA256');
    expect(stderr).toMatch(/^lab: --suite must be one of TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, /);
  });

  it('a --crl file with no CRL in it names the file', async () => {
    const files = await pki();
    const { code, stderr } = await lab('probe', 'tls://127.0.0.1:1', '--crl', files.caPath);
    expect(code).toBe(2);
    expect(stderr).toBe(`lab: --crl ${files.caPath} holds no X509 CRL block\n`);
  });

  it('a --trust file that is not PEM names the file', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.pem');
    execFileSync('sh', ['-c', `printf 'not a certificate' > ${bad}`]);
    const { code, stderr } = await lab('probe', 'tls://127.0.0.1:1', '--trust', bad);
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^lab: --trust ${bad} is not PEM`));
  });
});
