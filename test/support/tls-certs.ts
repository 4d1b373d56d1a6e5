/**
 * Test certificates made by OpenSSL (not by the code under test): a self-signed leaf for
 * `localhost` with an ECDSA P-256 or an RSA 2048 key, as DER and PEM files under os.tmpdir(),
 * made once per process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SigningKey } from '../../src/protocol/crypto-provider.ts';

export interface TestCertificate {
  kind: SigningKey['kind'];
  /** DER of the self-signed certificate. */
  der: Uint8Array;
  signingKey: SigningKey;
  certPemPath: string;
  keyPemPath: string;
}

const cache = new Map<string, TestCertificate>();
let dir: string | null = null;

function workDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'hl-tls13-certs-'));
    const made = dir;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  return dir;
}

const openssl = (args: string[]): Buffer =>
  execFileSync('openssl', args, { timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });

export function testCertificate(kind: SigningKey['kind'], name = 'localhost'): TestCertificate {
  const id = `${kind}/${name}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const d = workDir();
  const base = join(d, `${kind}-${name}`);
  const keyArgs =
    kind === 'ecdsa-p256' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  openssl([
    'req',
    '-x509',
    ...keyArgs,
    '-nodes',
    '-keyout',
    `${base}.key.pem`,
    '-out',
    `${base}.cert.pem`,
    '-days',
    '30',
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=DNS:${name}`,
  ]);
  const der = new Uint8Array(openssl(['x509', '-in', `${base}.cert.pem`, '-outform', 'DER']));
  const pkcs8 = new Uint8Array(openssl(['pkcs8', '-topk8', '-nocrypt', '-in', `${base}.key.pem`, '-outform', 'DER']));
  const spki = new Uint8Array(openssl(['pkey', '-in', `${base}.key.pem`, '-pubout', '-outform', 'DER']));
  const cert: TestCertificate = {
    kind,
    der,
    signingKey: { kind, pkcs8, spki },
    certPemPath: `${base}.cert.pem`,
    keyPemPath: `${base}.key.pem`,
  };
  cache.set(id, cert);
  return cert;
}

export function readPem(path: string): string {
  return readFileSync(path, 'utf8');
}
