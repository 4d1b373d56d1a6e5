/**
 * TLS 1.2 over real TCP through the command line (issue 6's acceptance): `lab probe tls://... --tls
 * 1.2 --suite S` completes against `openssl s_server -tls1_2 -cipher <OpenSSL's name>` for each of
 * the five suites (an ECDSA certificate for ECDHE-ECDSA, RSA for ECDHE-RSA and RSA key transport);
 * `openssl s_client -tls1_2 -cipher ...` completes against `lab serve tls://... --once` (its fresh
 * PKI with `--key-type rsa` where the suite needs it) and reads the hello line; and tshark decrypts
 * the `--format pcap` of a TLS 1.2 probe with the CLIENT_RANDOM secret it carries.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writePkiSpec, type PkiFiles } from '../support/pki-files.ts';
import { freePort, startProgram } from '../support/processes.ts';
import { lab, lastLine, sClient, serveInProcess, type Cleanup } from '../support/cli-runs.ts';

const NAME = 'mail.interop.test';

/** OpenSSL's names for the suites (`openssl ciphers -stdname`). */
const SUITES = [
  { suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256', key: 'ecdsa' },
  { suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384', key: 'ecdsa' },
  { suite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-RSA-AES128-GCM-SHA256', key: 'rsa' },
  { suite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-RSA-AES256-GCM-SHA384', key: 'rsa' },
  { suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256', openssl: 'AES128-GCM-SHA256', key: 'rsa' },
] as const;

let cleanups: Cleanup[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const pkis = {} as Record<'ecdsa' | 'rsa', PkiFiles>;
beforeAll(async () => {
  [pkis.ecdsa, pkis.rsa] = await Promise.all([
    writePkiSpec({ now: Date.now(), leaf: { dnsNames: [NAME] } }),
    writePkiSpec({ now: Date.now(), leaf: { dnsNames: [NAME], keyKind: 'rsa' } }),
  ]);
});
afterAll(() => {
  for (const p of Object.values(pkis)) p?.remove();
});

async function sServer12(files: PkiFiles, cipher: string): Promise<number> {
  const port = await freePort();
  const program = startProgram('openssl', [
    's_server',
    '-accept',
    `127.0.0.1:${port}`,
    '-naccept',
    '1',
    '-tls1_2',
    '-cipher',
    cipher,
    '-cert',
    files.leafPath,
    '-cert_chain',
    files.intermediatePath,
    '-key',
    files.keyPath,
  ]);
  cleanups.push(() => program.stop());
  await program.waitFor(/ACCEPT/);
  return port;
}

describe('lab probe --tls 1.2 against openssl s_server -tls1_2, every suite', () => {
  for (const s of SUITES) {
    it(`${s.suite} (s_server -cipher ${s.openssl}, ${s.key.toUpperCase()} certificate)`, async () => {
      const port = await sServer12(pkis[s.key], s.openssl);
      const probe = await lab(
        'probe',
        `tls://127.0.0.1:${port}`,
        '--tls',
        '1.2',
        '--suite',
        s.suite,
        '--servername',
        NAME,
        '--trust',
        pkis[s.key].caPath,
      );
      expect(probe.stderr).toBe('');
      expect(probe.code, probe.stdout).toBe(0);
      // ECDHE names its group; RSA key transport has none.
      const group = s.suite.startsWith('TLS_ECDHE_') ? ' x25519' : '';
      expect(lastLine(probe.stdout)).toBe(`outcome: ok (TLS 1.2 ${s.suite}${group})`);
      for (const line of ['S → C  [TLS] Certificate', 'S → C  [TLS] ServerHelloDone', 'C → S  [TLS] ClientKeyExchange'])
        expect(probe.stdout).toContain(line);
      expect(probe.stdout.includes('S → C  [TLS] ServerKeyExchange')).toBe(s.suite.startsWith('TLS_ECDHE_'));
    });
  }
});

describe('openssl s_client -tls1_2 against lab serve tls:// --once, every suite', () => {
  for (const s of SUITES) {
    it(`${s.suite}: the handshake completes and s_client reads the hello line`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hl-cli-tls12-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const port = await freePort();
      const ca = join(dir, 'ca.pem');
      const serve = await serveInProcess(
        [`tls://127.0.0.1:${port}`, '--ca-out', ca, ...(s.key === 'rsa' ? ['--key-type', 'rsa'] : [])],
        cleanups,
      );
      expect(serve.output()).toMatch(
        /\(TLS 1\.3 and TLS 1\.2; certificate: a fresh Handshake Lab CA, (RSA|ECDSA P-256) leaf/,
      );
      const client = await sClient(
        port,
        ['-tls1_2', '-cipher', s.openssl, '-servername', 'localhost', '-CAfile', ca, '-verify_return_error'],
        cleanups,
        { waitFor: /Handshake Lab: hello over TLS/ },
      );
      expect(client.output).toContain(`New, TLSv1.2, Cipher is ${s.openssl}`);
      expect(client.output).toMatch(/Verify return code: 0 \(ok\)/);
      expect(await serve.exit).toBe(0);
      expect(serve.output()).toMatch(new RegExp(`outcome: ok \\(TLS 1\\.2 ${s.suite}[ ;]`));
    });
  }
});

describe('lab probe --tls 1.2 over SMTP, against lab serve', () => {
  it('submission:// with AUTH: STARTTLS, then TLS 1.2, then EHLO and AUTH inside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-cli-tls12-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const ca = join(dir, 'ca.pem');
    const serve = await serveInProcess([`submission://127.0.0.1:${port}`, '--ca-out', ca], cleanups);
    const probe = await lab(
      'probe',
      `submission://127.0.0.1:${port}`,
      '--tls',
      '1.2',
      '--servername',
      'localhost',
      '--trust',
      ca,
      '--user',
      'alice',
      '--password',
      'password',
    );
    expect(probe.code, probe.stdout).toBe(0);
    expect(lastLine(probe.stdout)).toBe(
      'outcome: ok (TLS 1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 x25519; probe only: no message sent)',
    );
    expect(probe.stdout).toMatch(/S → C {2}\[TLS\] ServerKeyExchange/);
    expect(probe.stdout).toMatch(/S → C {2}235 2\.7\.0 Authentication successful {2}\(inside TLS, application keys\)/);
    expect(await serve.exit).toBe(0);
    expect(lastLine(serve.output())).toMatch(/outcome: ok \(TLS 1\.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 x25519;/);
  });
});

describe('a TLS 1.2 probe exports what tshark needs', () => {
  it('--format keylog prints one CLIENT_RANDOM line, and tshark decrypts the --format pcap capture', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hl-cli-tls12-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const suite = SUITES[0];
    const keylogPort = await sServer12(pkis.ecdsa, suite.openssl);
    const common = ['--tls', '1.2', '--servername', NAME, '--trust', pkis.ecdsa.caPath];
    const keylog = await lab('probe', `tls://127.0.0.1:${keylogPort}`, ...common, '--format', 'keylog');
    expect(keylog.code).toBe(0);
    // NSS key log format: CLIENT_RANDOM <32-byte client random> <48-byte master secret>.
    expect(keylog.stdout).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$/);

    const port = await sServer12(pkis.ecdsa, suite.openssl);
    const out = join(dir, 'probe12.pcapng');
    const pcap = await lab('probe', `tls://127.0.0.1:${port}`, ...common, '--format', 'pcap', '--out', out);
    expect(pcap.code).toBe(0);
    const decodeAs = ['-d', `tcp.port==${port},tls`];
    const text = execFileSync('tshark', ['-r', out, ...decodeAs, '-V'], { encoding: 'utf8', timeout: 20_000 });
    expect(text).toMatch(/Handshake Type: Client Hello/);
    expect(text).toMatch(/Handshake Type: Server Key Exchange/);
    // Finished travels encrypted: tshark shows its verify_data only with the master secret.
    expect(text).toMatch(/Handshake Type: Finished/);
    expect(text).toMatch(/Verify Data/);
    // The close_notify, encrypted too, decrypted and read as an alert.
    expect(text).toMatch(/Description: Close Notify/);
  });
});
