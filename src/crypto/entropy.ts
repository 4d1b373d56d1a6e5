/**
 * Where randomness comes from. The only other file that touches getRandomValues is none: every
 * engine draws through a CryptoProvider built on one of these.
 */
export interface Entropy {
  /** A label for the trace: `fresh`, `seed:<hex>/client`... */
  readonly description: string;
  next(n: number): Uint8Array;
}

export function freshEntropy(): Entropy {
  return {
    description: 'fresh',
    next(n: number): Uint8Array {
      const out = new Uint8Array(n);
      // getRandomValues fills at most 65536 bytes per call.
      for (let o = 0; o < n; o += 65536) globalThis.crypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
      return out;
    },
  };
}
