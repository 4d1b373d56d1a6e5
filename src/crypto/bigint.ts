/**
 * BigInt arithmetic for the pure-JS parts of the provider (P-256 and RSA), and the integer/octet
 * conversions of RFC 8017 §4 (I2OSP, OS2IP).
 *
 * None of this is constant-time: the lab is a teaching tool whose keys live for one simulated run,
 * and its real-world handshakes (`lab probe`) use WebCrypto for every secret-dependent ECDH.
 */
import { toHex } from '../protocol/bytes/index.ts';

/** OS2IP (RFC 8017 §4.2): big-endian bytes to a non-negative integer. */
export function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + toHex(b));
}

/** I2OSP (RFC 8017 §4.1): a non-negative integer to exactly `length` big-endian bytes. */
export function bigIntToBytes(x: bigint, length: number): Uint8Array {
  if (x < 0n) throw new Error('I2OSP: negative integer');
  const hex = x.toString(16);
  if (hex.length > 2 * length) throw new Error(`I2OSP: integer too large for ${length} bytes`);
  const padded = hex.padStart(2 * length, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The minimal big-endian bytes of a non-negative integer (at least one byte). */
export function bigIntToMinimalBytes(x: bigint): Uint8Array {
  return bigIntToBytes(x, Math.max(1, Math.ceil(bitLength(x) / 8)));
}

export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** The representative of `a` in [0, m). */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

const WINDOW = 5;

/** base^exp mod m, left to right with a fixed 5-bit window (about 1.2 multiplications per bit). */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m <= 0n) throw new Error('modPow: the modulus must be positive');
  if (exp < 0n) throw new Error('modPow: negative exponent');
  if (m === 1n) return 0n;
  const b = mod(base, m);
  const table: bigint[] = [1n, b];
  for (let i = 2; i < 1 << WINDOW; i++) table.push((table[i - 1] * b) % m);
  const bits = exp.toString(2);
  const lead = bits.length % WINDOW || WINDOW;
  let r = table[parseInt(bits.slice(0, lead), 2)];
  for (let i = lead; i < bits.length; i += WINDOW) {
    for (let k = 0; k < WINDOW; k++) r = (r * r) % m;
    const w = parseInt(bits.slice(i, i + WINDOW), 2);
    if (w !== 0) r = (r * table[w]) % m;
  }
  return r;
}

/** a^-1 mod m by the extended Euclidean algorithm; throws when gcd(a, m) is not 1. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error('modInverse: not invertible');
  return mod(s0, m);
}

export function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}
