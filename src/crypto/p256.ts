/**
 * NIST P-256 (secp256r1) in BigInt: just enough to turn a scalar drawn from the lab's entropy into
 * a public point, and to sign ECDSA with a nonce drawn from that entropy, so that seeded runs
 * reproduce every key and signature. ECDH itself runs in WebCrypto.
 *
 * Curve: SEC 2 v2 §2.4.2 (= FIPS 186-4 D.1.2.3), y² = x³ − 3x + b over GF(p).
 * Points: SEC 1 v2 §2.3.3/§2.3.4 uncompressed encoding (0x04 ‖ X ‖ Y), as TLS sends them
 * (RFC 8446 §4.2.8.2). ECDSA: SEC 1 v2 §4.1.3 / FIPS 186-4 §6.4.
 *
 * Formulas: Jacobian coordinates (x = X/Z², y = Y/Z³) from the Explicit-Formulas Database:
 * dbl-2001-b (a = −3) and add-2007-bl. Not constant-time (see bigint.ts).
 */
import { bigIntToBytes, bytesToBigInt, mod, modInverse } from './bigint.ts';

/** Domain parameters, SEC 2 v2 §2.4.2. */
export const P256 = {
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  Gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  Gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
} as const;

const { p } = P256;

export interface AffinePoint {
  x: bigint;
  y: bigint;
}

/** Jacobian; Z = 0 is the point at infinity. */
interface Jacobian {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

const INFINITY: Jacobian = { X: 1n, Y: 1n, Z: 0n };

const fp = (a: bigint): bigint => mod(a, p);

function double(P: Jacobian): Jacobian {
  if (P.Z === 0n || P.Y === 0n) return INFINITY;
  const delta = (P.Z * P.Z) % p;
  const gamma = (P.Y * P.Y) % p;
  const beta = (P.X * gamma) % p;
  const alpha = (3n * fp(P.X - delta) * (P.X + delta)) % p;
  const X3 = fp(alpha * alpha - 8n * beta);
  const Z3 = fp((P.Y + P.Z) * (P.Y + P.Z) - gamma - delta);
  const Y3 = fp(alpha * (4n * beta - X3) - 8n * gamma * gamma);
  return { X: X3, Y: Y3, Z: Z3 };
}

function add(P: Jacobian, Q: Jacobian): Jacobian {
  if (P.Z === 0n) return Q;
  if (Q.Z === 0n) return P;
  // Q.Z = 1 (a normalised table entry) is madd-2007-bl: the same formulas with Z2 = 1 folded in.
  const mixed = Q.Z === 1n;
  const Z1Z1 = (P.Z * P.Z) % p;
  const Z2Z2 = mixed ? 1n : (Q.Z * Q.Z) % p;
  const U1 = mixed ? P.X : (P.X * Z2Z2) % p;
  const U2 = (Q.X * Z1Z1) % p;
  const S1 = mixed ? P.Y : (((P.Y * Q.Z) % p) * Z2Z2) % p;
  const S2 = (((Q.Y * P.Z) % p) * Z1Z1) % p;
  const H = fp(U2 - U1);
  const r = fp(2n * (S2 - S1));
  if (H === 0n) return r === 0n ? double(P) : INFINITY;
  const I = (4n * H * H) % p;
  const J = (H * I) % p;
  const V = (U1 * I) % p;
  const X3 = fp(r * r - J - 2n * V);
  const Y3 = fp(r * (V - X3) - 2n * S1 * J);
  const Z3 = mixed ? (2n * P.Z * H) % p : fp(((P.Z + Q.Z) * (P.Z + Q.Z) - Z1Z1 - Z2Z2) * H);
  return { X: X3, Y: Y3, Z: Z3 };
}

function toAffine(P: Jacobian): AffinePoint | null {
  if (P.Z === 0n) return null;
  const zi = modInverse(P.Z, p);
  const zi2 = (zi * zi) % p;
  return { x: (P.X * zi2) % p, y: (((P.Y * zi2) % p) * zi) % p };
}

const fromAffine = (P: AffinePoint): Jacobian => ({ X: P.x, Y: P.y, Z: 1n });

/** y² = x³ − 3x + b, with both coordinates reduced (SEC 1 v2 §3.2.2.1 steps 2–3). */
export function p256IsOnCurve(P: AffinePoint): boolean {
  if (P.x < 0n || P.x >= p || P.y < 0n || P.y >= p) return false;
  return fp(P.y * P.y) === fp(P.x * P.x * P.x - 3n * P.x + P256.b);
}

function checkScalar(k: bigint): void {
  if (k <= 0n || k >= P256.n) throw new Error('P-256: the scalar must be in [1, n-1]');
}

/**
 * Fixed-base comb (Lim–Lee) for G, 8 teeth 32 apart: write k's 256 bits as 8 rows of 32, and let
 * T[u] = Σ_{j ∈ bits of u} 2^(32j)·G for u in 1..255. Then k·G is 32 doublings and at most 32
 * additions of table entries. The table (255 points, a few milliseconds) is built on first use.
 */
let comb: Jacobian[] | null = null;

function getComb(): Jacobian[] {
  if (comb) return comb;
  const teeth: Jacobian[] = [fromAffine({ x: P256.Gx, y: P256.Gy })];
  for (let j = 1; j < 8; j++) {
    let P = teeth[j - 1];
    for (let i = 0; i < 32; i++) P = double(P);
    teeth.push(P);
  }
  const table: Jacobian[] = [INFINITY];
  for (let u = 1; u < 256; u++) {
    const top = 31 - Math.clz32(u);
    table.push(add(table[u ^ (1 << top)], teeth[top]));
  }
  normalise(table.slice(1));
  comb = table;
  return table;
}

/** Brings points to Z = 1 in place with a single inversion (Montgomery's trick). */
function normalise(points: Jacobian[]): void {
  const prefix: bigint[] = [];
  let acc = 1n;
  for (const P of points) {
    prefix.push(acc);
    acc = (acc * P.Z) % p;
  }
  let inv = modInverse(acc, p);
  for (let k = points.length - 1; k >= 0; k--) {
    const P = points[k];
    const zi = (inv * prefix[k]) % p;
    inv = (inv * P.Z) % p;
    const zi2 = (zi * zi) % p;
    P.X = (P.X * zi2) % p;
    P.Y = (((P.Y * zi2) % p) * zi) % p;
    P.Z = 1n;
  }
}

/** k·G for k in [1, n−1]. */
export function p256BaseMultiply(k: bigint): AffinePoint {
  checkScalar(k);
  const table = getComb();
  const rows: number[] = [];
  for (let j = 0; j < 8; j++) rows.push(Number((k >> BigInt(32 * j)) & 0xffffffffn));
  let R = INFINITY;
  for (let i = 31; i >= 0; i--) {
    R = double(R);
    let u = 0;
    for (let j = 0; j < 8; j++) u |= ((rows[j] >>> i) & 1) << j;
    if (u !== 0) R = add(R, table[u]);
  }
  return toAffine(R)!;
}

/** k·P for any point P on the curve; null when the result is the point at infinity. */
export function p256Multiply(k: bigint, P: AffinePoint): AffinePoint | null {
  if (!p256IsOnCurve(P)) throw new Error('P-256: the point is not on the curve');
  if (k < 0n) throw new Error('P-256: negative scalar');
  const multiples: Jacobian[] = [INFINITY, fromAffine(P)];
  for (let j = 2; j < 16; j++) multiples.push(add(multiples[j - 1], multiples[1]));
  let R = INFINITY;
  const digits = k.toString(16);
  for (const d of digits) {
    R = double(double(double(double(R))));
    const w = parseInt(d, 16);
    if (w !== 0) R = add(R, multiples[w]);
  }
  return toAffine(R);
}

/** SEC 1 v2 §2.3.3, uncompressed: 0x04 ‖ X ‖ Y, 65 bytes. */
export function encodeP256Point(P: AffinePoint): Uint8Array {
  const out = new Uint8Array(65);
  out[0] = 0x04;
  out.set(bigIntToBytes(P.x, 32), 1);
  out.set(bigIntToBytes(P.y, 32), 33);
  return out;
}

/**
 * SEC 1 v2 §2.3.4 for the only form TLS 1.3 allows (RFC 8446 §4.2.8.2: uncompressed), with the
 * public-key validation of §3.2.2.1 (the cofactor is 1, so on-curve is enough). Throws an Error
 * that says what is wrong.
 */
export function decodeP256Point(bytes: Uint8Array): AffinePoint {
  if (bytes.length !== 65 || bytes[0] !== 0x04) {
    throw new Error(
      `secp256r1: a public key is 65 bytes, 0x04 then X and Y (RFC 8446 §4.2.8.2); got ${bytes.length} bytes` +
        (bytes.length > 0 ? ` starting 0x${bytes[0].toString(16).padStart(2, '0')}` : ''),
    );
  }
  const P = { x: bytesToBigInt(bytes.subarray(1, 33)), y: bytesToBigInt(bytes.subarray(33)) };
  if (!p256IsOnCurve(P)) throw new Error('secp256r1: the public key is not a point on the P-256 curve');
  return P;
}

/**
 * A scalar in [1, n−1] by rejection sampling (FIPS 186-4 B.4.2 "testing candidates"): draw 32
 * bytes, keep them if they are in range, else draw again. Unbiased; a redraw happens with
 * probability about 2^-32.
 */
export function p256ScalarFrom(draw: (n: number) => Uint8Array): bigint {
  for (;;) {
    const d = bytesToBigInt(draw(32));
    if (d >= 1n && d < P256.n) return d;
  }
}

/**
 * ECDSA signature generation (SEC 1 v2 §4.1.3) over a message hash of 32 bytes (SHA-256, so the
 * hash already has the bit length of n and needs no truncation). `drawK` gives the per-signature
 * nonce; it is called again in the (astronomically unlikely) case r or s is 0.
 */
export function ecdsaSignP256(d: bigint, hash: Uint8Array, drawK: () => bigint): { r: bigint; s: bigint } {
  checkScalar(d);
  if (hash.length !== 32) throw new Error('ECDSA P-256: expected a 32-byte hash');
  const { n } = P256;
  const e = bytesToBigInt(hash);
  for (;;) {
    const k = drawK();
    checkScalar(k);
    const r = mod(p256BaseMultiply(k).x, n);
    if (r === 0n) continue;
    const s = mod(modInverse(k, n) * (e + r * d), n);
    if (s === 0n) continue;
    return { r, s };
  }
}
