/** Minimal DER helpers for wrapping raw keys, and ECDSA signature format conversion. */

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n >>= 8;
  }
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, body: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, ...derLength(body.length), ...body]);
}

/** An unsigned big-endian integer as a DER INTEGER body (leading zeros stripped, sign byte added). */
function derIntegerBody(v: Uint8Array): Uint8Array {
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  const t = v.subarray(i);
  return t[0] & 0x80 ? Uint8Array.from([0, ...t]) : Uint8Array.from(t);
}

/** ECDSA: WebCrypto's IEEE P1363 r||s to the DER `ECDSA-Sig-Value` TLS puts on the wire (RFC 8446 §4.2.3). */
export function p1363ToDer(sig: Uint8Array): Uint8Array {
  const half = sig.length / 2;
  const r = tlv(0x02, derIntegerBody(sig.subarray(0, half)));
  const s = tlv(0x02, derIntegerBody(sig.subarray(half)));
  return tlv(0x30, Uint8Array.from([...r, ...s]));
}

/** DER `ECDSA-Sig-Value` to P1363 r||s of `size` bytes each; null when it is not well-formed. */
export function derToP1363(der: Uint8Array, size: number): Uint8Array | null {
  try {
    let p = 0;
    const readLen = (): number => {
      const b = der[p++];
      if (b < 0x80) return b;
      const n = b & 0x7f;
      if (n === 0 || n > 2) throw new Error('length');
      let v = 0;
      for (let i = 0; i < n; i++) v = (v << 8) | der[p++];
      return v;
    };
    if (der[p++] !== 0x30) return null;
    const seqLen = readLen();
    if (p + seqLen !== der.length) return null;
    const out = new Uint8Array(size * 2);
    for (let k = 0; k < 2; k++) {
      if (der[p++] !== 0x02) return null;
      const len = readLen();
      if (len === 0 || p + len > der.length) return null;
      let v = der.subarray(p, p + len);
      p += len;
      while (v.length > 0 && v[0] === 0) v = v.subarray(1);
      if (v.length > size) return null;
      out.set(v, k * size + size - v.length);
    }
    return p === der.length ? out : null;
  } catch {
    return null;
  }
}

/** PKCS#8 for a raw X25519 private key (RFC 8410 §7): the fixed prefix, then the 32 bytes. */
export function x25519Pkcs8(raw: Uint8Array): Uint8Array {
  const prefix = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20];
  return Uint8Array.from([...prefix, ...raw]);
}
