import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../protocol/bytes/index.ts';
import { fixedEntropy, freshEntropy, seededEntropy } from './entropy.ts';

/**
 * The ChaCha20 keystream from OpenSSL, an implementation outside the project: `openssl enc -chacha20`
 * over zero bytes, with OpenSSL's 16-byte IV = 32-bit little-endian block counter ‖ 96-bit nonce.
 */
function opensslKeystream(keyHex: string, nonce: Uint8Array, length: number): string {
  const iv = '00000000' + toHex(nonce);
  const r = spawnSync('openssl', ['enc', '-chacha20', '-K', keyHex, '-iv', iv], {
    input: new Uint8Array(length),
    timeout: 10_000,
  });
  if (r.status !== 0) throw new Error(`openssl enc failed: ${r.error ?? r.stderr.toString()}`);
  return toHex(new Uint8Array(r.stdout));
}

const labelNonce = (label: string): Uint8Array => {
  const n = new Uint8Array(12);
  for (let i = 0; i < label.length; i++) n[i] = label.charCodeAt(i);
  return n;
};

describe('seededEntropy', () => {
  it('is the ChaCha20 keystream OpenSSL produces for key = seed, nonce = label, counter from 0', () => {
    const e = seededEntropy('00', 'client');
    // Uneven draws across block boundaries must give the same contiguous stream.
    const drawn = concat(...[1, 63, 64, 100, 72].map((n) => e.next(n)));
    expect(toHex(drawn)).toBe(opensslKeystream('00'.repeat(32), labelNonce('client'), 300));
  });

  it('uses a 32-byte seed as the key as it is', () => {
    const seed = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
    const e = seededEntropy(seed, 'pki');
    expect(toHex(e.next(130))).toBe(opensslKeystream(seed, labelNonce('pki'), 130));
  });

  it('reads a short seed as a number, zero-padded on the left: 01 and 0001 are the same seed', () => {
    const a = seededEntropy('01', 'server').next(64);
    const b = seededEntropy('0001', 'server').next(64);
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).toBe(opensslKeystream('00'.repeat(31) + '01', labelNonce('server'), 64));
  });

  it('accepts upper-case hex and describes itself in lower case', () => {
    const e = seededEntropy('C0FFEE', 'attacker');
    expect(e.description).toBe('seed:c0ffee/attacker');
    expect(e.kind).toBe('seeded');
    expect(toHex(e.next(16))).toBe(toHex(seededEntropy('c0ffee', 'attacker').next(16)));
  });

  it('gives each label its own stream, and one party drawing more does not shift another', () => {
    const serverAlone = seededEntropy('00', 'server').next(64);
    const client = seededEntropy('00', 'client');
    const server = seededEntropy('00', 'server');
    client.next(1000);
    server.next(0);
    expect(toHex(server.next(64))).toBe(toHex(serverAlone));
    expect(toHex(seededEntropy('00', 'client').next(64))).not.toBe(toHex(serverAlone));
  });

  it('rejects seeds that are empty, odd-length, not hex, or longer than 32 bytes', () => {
    for (const bad of ['', '0', 'abc', 'zz', '0x01', '00'.repeat(33), ' 00']) {
      expect(() => seededEntropy(bad, 'client'), bad).toThrow(/seed must be 1 to 32 bytes of hex/);
    }
  });

  it('rejects labels that do not fit the 96-bit nonce as plain lower-case ASCII', () => {
    for (const bad of ['', 'Client', 'thirteen-char', 'cl ient', 'clié']) {
      expect(() => seededEntropy('00', bad), bad).toThrow(/entropy label/);
    }
  });

  it('rejects a negative or fractional draw', () => {
    const e = seededEntropy('00', 'client');
    expect(() => e.next(-1)).toThrow(/cannot draw/);
    expect(() => e.next(1.5)).toThrow(/cannot draw/);
  });
});

describe('fixedEntropy', () => {
  it('returns the chunks in order, as copies', () => {
    const chunk = Uint8Array.of(1, 2, 3);
    const e = fixedEntropy([chunk, Uint8Array.of(9)]);
    const first = e.next(3);
    expect([...first]).toEqual([1, 2, 3]);
    first[0] = 0xff;
    chunk[1] = 0xff; // neither the caller's array nor the returned one is shared
    expect([...e.next(1)]).toEqual([9]);
    expect(e.kind).toBe('fixed');
  });

  it('throws a clear error when a draw does not match the next chunk length', () => {
    const e = fixedEntropy([new Uint8Array(32)]);
    expect(() => e.next(16)).toThrow('fixed entropy: draw 1 asked for 16 bytes, but the next chunk has 32');
  });

  it('throws a clear error when exhausted', () => {
    const e = fixedEntropy([new Uint8Array(2)]);
    e.next(2);
    expect(() => e.next(2)).toThrow('fixed entropy exhausted: draw 2 asked for 2 bytes, but only 1 chunks were given');
  });
});

describe('freshEntropy', () => {
  it('returns the requested number of bytes, beyond the 65536-byte getRandomValues limit too', () => {
    const e = freshEntropy();
    expect(e.kind).toBe('fresh');
    expect(e.next(0).length).toBe(0);
    const big = e.next(70_000);
    expect(big.length).toBe(70_000);
    // The tail past the first getRandomValues call was filled, not left as zeros.
    expect(big.subarray(65_536).some((b) => b !== 0)).toBe(true);
  });

  it('gives different bytes on each draw', () => {
    const e = freshEntropy();
    expect(toHex(e.next(32))).not.toBe(toHex(e.next(32)));
  });
});
