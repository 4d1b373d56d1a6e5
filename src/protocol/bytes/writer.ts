/** A byte writer for the TLS presentation language, with length-prefixed vectors. */
import { UsageError } from './errors.ts';

export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private uint(v: number, n: number): this {
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** (8 * n)) throw new UsageError(`${v} does not fit in ${n} byte(s)`);
    this.grow(n);
    for (let i = n - 1; i >= 0; i--) {
      this.buf[this.len + i] = v & 0xff;
      v = Math.floor(v / 256);
    }
    this.len += n;
    return this;
  }

  u8(v: number): this {
    return this.uint(v, 1);
  }
  u16(v: number): this {
    return this.uint(v, 2);
  }
  u24(v: number): this {
    return this.uint(v, 3);
  }
  u32(v: number): this {
    return this.uint(v, 4);
  }
  u64(v: bigint): this {
    this.grow(8);
    for (let i = 7; i >= 0; i--) {
      this.buf[this.len + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    this.len += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** A length-prefixed vector whose body the callback writes. */
  vector(lengthBytes: 1 | 2 | 3, body: (w: Writer) => void): this {
    const at = this.len;
    this.uint(0, lengthBytes);
    body(this);
    const n = this.len - at - lengthBytes;
    if (n >= 2 ** (8 * lengthBytes)) throw new UsageError(`vector of ${n} bytes overflows its ${lengthBytes}-byte length`);
    for (let i = lengthBytes - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) this.buf[at + i] = v & 0xff;
    return this;
  }

  /** Shorthand: a vector holding exactly `b`. */
  opaque(lengthBytes: 1 | 2 | 3, b: Uint8Array): this {
    return this.vector(lengthBytes, (w) => w.bytes(b));
  }

  get length(): number {
    return this.len;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Build bytes with a writer in one expression. */
export function build(body: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  body(w);
  return w.finish();
}
