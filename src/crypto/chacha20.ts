/**
 * The ChaCha20 block function, RFC 8439 §2.1–§2.3, in plain JS: the core of `seededEntropy`.
 *
 * Only the block function is here (no encryption, no Poly1305): the lab uses ChaCha20 as a
 * deterministic random-bit generator, so that a seed reproduces every byte of a run. Keeping it in
 * pure JS (not WebCrypto, which has no ChaCha20) lets it be checked against RFC 8439's own vectors.
 */

/** "expand 32-byte k" as four little-endian words (RFC 8439 §2.3). */
const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574] as const;

const rotl = (v: number, c: number): number => (v << c) | (v >>> (32 - c));

/** The quarter round on four words of a state, in place (RFC 8439 §2.1, §2.2). */
export function quarterRound(x: Uint32Array, a: number, b: number, c: number, d: number): void {
  x[a] += x[b];
  x[d] = rotl(x[d] ^ x[a], 16);
  x[c] += x[d];
  x[b] = rotl(x[b] ^ x[c], 12);
  x[a] += x[b];
  x[d] = rotl(x[d] ^ x[a], 8);
  x[c] += x[d];
  x[b] = rotl(x[b] ^ x[c], 7);
}

const le32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

/**
 * One 64-byte keystream block (RFC 8439 §2.3): 256-bit key, 32-bit block counter, 96-bit nonce.
 * Writes into `out` when given (so a stream can reuse one buffer).
 */
export function chacha20Block(
  key: Uint8Array,
  counter: number,
  nonce: Uint8Array,
  out = new Uint8Array(64),
): Uint8Array {
  if (key.length !== 32) throw new Error(`ChaCha20: the key is 32 bytes, not ${key.length}`);
  if (nonce.length !== 12) throw new Error(`ChaCha20: the nonce is 12 bytes, not ${nonce.length}`);
  if (!Number.isInteger(counter) || counter < 0 || counter > 0xffffffff) {
    throw new Error(`ChaCha20: the block counter is a 32-bit unsigned integer, not ${counter}`);
  }
  const init = new Uint32Array(16);
  init.set(SIGMA, 0);
  for (let i = 0; i < 8; i++) init[4 + i] = le32(key, 4 * i);
  init[12] = counter;
  for (let i = 0; i < 3; i++) init[13 + i] = le32(nonce, 4 * i);

  const x = init.slice();
  // 20 rounds = 10 double rounds: four "column" then four "diagonal" quarter rounds (§2.3).
  for (let i = 0; i < 10; i++) {
    quarterRound(x, 0, 4, 8, 12);
    quarterRound(x, 1, 5, 9, 13);
    quarterRound(x, 2, 6, 10, 14);
    quarterRound(x, 3, 7, 11, 15);
    quarterRound(x, 0, 5, 10, 15);
    quarterRound(x, 1, 6, 11, 12);
    quarterRound(x, 2, 7, 8, 13);
    quarterRound(x, 3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) {
    const w = (x[i] + init[i]) >>> 0;
    out[4 * i] = w & 0xff;
    out[4 * i + 1] = (w >>> 8) & 0xff;
    out[4 * i + 2] = (w >>> 16) & 0xff;
    out[4 * i + 3] = w >>> 24;
  }
  return out;
}
