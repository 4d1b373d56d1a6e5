import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat, fromHex, toHex, utf8Encode } from '../protocol/bytes/index.ts';
import { bitLength } from './bigint.ts';
import { encodeRsaPrivateKeyPkcs8, encodeRsaSpki, type RsaPrivateKey } from './der-keys.ts';
import { seededEntropy } from './entropy.ts';
import { generatePrime, generateRsaKey, modulusBytes, rsaDecryptPkcs1, rsaEncryptPkcs1 } from './rsa.ts';

let dir = '';

function openssl(args: string[], input?: Uint8Array): { status: number | null; stdout: Uint8Array; stderr: string } {
  const r = spawnSync('openssl', args, { cwd: dir, input, timeout: 10_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: new Uint8Array(r.stdout), stderr: r.stderr.toString() };
}

function opensslOk(args: string[], input?: Uint8Array): Uint8Array {
  const r = openssl(args, input);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Raw RSA (no padding) with OpenSSL: m^e mod n for a k-byte block, to build ciphertexts of chosen EM. */
function rawEncrypt(em: Uint8Array): Uint8Array {
  writeFileSync(join(dir, 'em.bin'), em);
  return opensslOk([
    'pkeyutl',
    '-encrypt',
    '-pubin',
    '-keyform',
    'DER',
    '-inkey',
    'pub.der',
    '-pkeyopt',
    'rsa_padding_mode:none',
    '-in',
    'em.bin',
  ]);
}

let key: RsaPrivateKey;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'handshake-lab-rsa-'));
  const e = seededEntropy('0123', 'server');
  key = generateRsaKey((n) => e.next(n), 1024);
  writeFileSync(join(dir, 'key.der'), encodeRsaPrivateKeyPkcs8(key));
  writeFileSync(join(dir, 'pub.der'), encodeRsaSpki(key));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('prime generation', () => {
  it('finds primes that OpenSSL confirms, with the two top bits set and p − 1 prime to 65537', () => {
    const e = seededEntropy('02', 'pki');
    for (const bits of [128, 256, 512]) {
      const p = generatePrime(bits, 65537n, (n) => e.next(n));
      expect(bitLength(p)).toBe(bits);
      expect(p >> BigInt(bits - 2)).toBe(3n);
      expect(p % 65537n).not.toBe(1n);
      const out = new TextDecoder().decode(opensslOk(['prime', '-hex', p.toString(16)]));
      expect(out, `${bits}-bit candidate`).toMatch(/ is prime/);
    }
  });
});

describe('RSA key generation', () => {
  it('writes a key that `openssl pkey -check` accepts', () => {
    const r = openssl(['pkey', '-inform', 'DER', '-in', 'key.der', '-check', '-noout']);
    expect(r.status, r.stderr).toBe(0);
    expect(new TextDecoder().decode(r.stdout)).toMatch(/Key is valid/);
    expect(bitLength(key.n)).toBe(1024);
    expect(key.p).toBeGreaterThan(key.q);
  });

  it('is reproducible from the same seed', () => {
    const e = seededEntropy('0123', 'server');
    expect(generateRsaKey((n) => e.next(n), 1024)).toEqual(key);
  });
});

describe('RSAES-PKCS1-v1_5 (RFC 8017 §7.2)', () => {
  it('pads as 00 02 PS 00 M, with zero bytes of PS redrawn from the entropy', () => {
    const k = modulusBytes(key.n);
    const message = utf8Encode('hello');
    const ps = new Uint8Array(k - message.length - 3).fill(0x5a);
    ps[0] = 0;
    ps[5] = 0;
    // Draws: PS in one go, then one byte per zero of PS until non-zero (0 then 7; then 9).
    const draws = [ps, Uint8Array.of(0), Uint8Array.of(7), Uint8Array.of(9)];
    let i = 0;
    const c = rsaEncryptPkcs1(key, message, (n) => {
      const d = draws[i++];
      expect(d.length).toBe(n);
      return d;
    });
    expect(i).toBe(4);
    writeFileSync(join(dir, 'c.bin'), c);
    const em = opensslOk([
      'pkeyutl',
      '-decrypt',
      '-keyform',
      'DER',
      '-inkey',
      'key.der',
      '-pkeyopt',
      'rsa_padding_mode:none',
      '-in',
      'c.bin',
    ]);
    const expectedPs = Uint8Array.from(ps);
    expectedPs[0] = 7;
    expectedPs[5] = 9;
    expect(toHex(em)).toBe(toHex(concat(Uint8Array.of(0, 2), expectedPs, Uint8Array.of(0), message)));
  });

  it('decrypts what OpenSSL encrypts with its default PKCS#1 v1.5 padding', () => {
    const secret = fromHex('0303' + 'ab'.repeat(46)); // a TLS 1.2 pre-master secret shape
    writeFileSync(join(dir, 'pms.bin'), secret);
    const c = opensslOk(['pkeyutl', '-encrypt', '-pubin', '-keyform', 'DER', '-inkey', 'pub.der', '-in', 'pms.bin']);
    expect(toHex(rsaDecryptPkcs1(key, c)!)).toBe(toHex(secret));
  });

  it('accepts the shortest padding string (8 bytes) and an empty message', () => {
    const k = modulusBytes(key.n);
    const m = new Uint8Array(k - 11).fill(0x42);
    const em = concat(Uint8Array.of(0, 2), new Uint8Array(8).fill(1), Uint8Array.of(0), m);
    expect(toHex(rsaDecryptPkcs1(key, rawEncrypt(em))!)).toBe(toHex(m));
    const empty = concat(Uint8Array.of(0, 2), new Uint8Array(k - 3).fill(1), Uint8Array.of(0));
    expect(rsaDecryptPkcs1(key, rawEncrypt(empty))).toEqual(new Uint8Array(0));
  });

  it('returns null for every kind of bad padding', () => {
    const k = modulusBytes(key.n);
    const body = (first: number[], psLength: number, separator: boolean) =>
      concat(
        Uint8Array.of(...first),
        new Uint8Array(psLength).fill(0x11),
        separator ? Uint8Array.of(0) : new Uint8Array(0),
      );
    const pad = (b: Uint8Array) => concat(b, new Uint8Array(k - b.length).fill(0x33));
    const cases = {
      'block type 1 (a signature block)': pad(body([0, 1], 8, true)),
      'first byte not zero': pad(body([1, 2], 8, true)),
      'padding string of 7 bytes': pad(body([0, 2], 7, true)),
      'no zero separator': concat(Uint8Array.of(0, 2), new Uint8Array(k - 2).fill(0x11)),
    };
    for (const [name, em] of Object.entries(cases)) {
      expect(em.length).toBe(k);
      expect(rsaDecryptPkcs1(key, rawEncrypt(em)), name).toBeNull();
    }
  });

  it('returns null for a ciphertext of the wrong length or not below n', () => {
    const k = modulusBytes(key.n);
    expect(rsaDecryptPkcs1(key, new Uint8Array(k - 1))).toBeNull();
    expect(rsaDecryptPkcs1(key, new Uint8Array(k + 1))).toBeNull();
    expect(rsaDecryptPkcs1(key, new Uint8Array(k).fill(0xff))).toBeNull();
  });

  it('refuses a message longer than k − 11 bytes', () => {
    const k = modulusBytes(key.n);
    const e = seededEntropy('00', 'client');
    expect(() => rsaEncryptPkcs1(key, new Uint8Array(k - 10), (n) => e.next(n))).toThrow(/message too long/);
  });
});
