import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/bytes/index.ts';
import { chacha20Block, quarterRound } from './chacha20.ts';

const hex = (s: string): Uint8Array => fromHex(s.replace(/[\s:]/g, ''));

describe('ChaCha20 block function (RFC 8439)', () => {
  it('quarter round matches the §2.1.1 test vector', () => {
    const x = new Uint32Array([0x11111111, 0x01020304, 0x9b8d6f43, 0x01234567]);
    quarterRound(x, 0, 1, 2, 3);
    // RFC 8439 §2.1.1
    expect([...x]).toEqual([0xea2a92f4, 0xcb1cf8ce, 0x4581472e, 0x5881c4bb]);
  });

  it('block matches the §2.3.2 serialized block (key 00..1f, nonce 000000090000004a00000000, counter 1)', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const nonce = hex('00:00:00:09:00:00:00:4a:00:00:00:00');
    // RFC 8439 §2.3.2, "Serialized Block"
    const expected = hex(`
      10 f1 e7 e4 d1 3b 59 15 50 0f dd 1f a3 20 71 c4
      c7 d1 f4 c7 33 c0 68 03 04 22 aa 9a c3 d4 6c 4e
      d2 82 64 46 07 9f aa 09 14 c2 d7 05 d9 8b 02 a2
      b5 12 9c d1 de 16 4e b9 cb d0 83 e8 a2 50 3c 4e`);
    expect(toHex(chacha20Block(key, 1, nonce))).toBe(toHex(expected));
  });

  it('block matches Appendix A.1 test vector #1 (all-zero key and nonce, counter 0)', () => {
    // RFC 8439 Appendix A.1, Test Vector #1
    const expected = hex(`
      76 b8 e0 ad a0 f1 3d 90 40 5d 6a e5 53 86 bd 28
      bd d2 19 b8 a0 8d ed 1a a8 36 ef cc 8b 77 0d c7
      da 41 59 7c 51 57 48 8d 77 24 e0 3f b8 d8 4a 37
      6a 43 b8 f4 15 18 a1 1c c3 87 b6 69 b2 ee 65 86`);
    expect(toHex(chacha20Block(new Uint8Array(32), 0, new Uint8Array(12)))).toBe(toHex(expected));
  });

  it('rejects a key, nonce or counter of the wrong size', () => {
    expect(() => chacha20Block(new Uint8Array(31), 0, new Uint8Array(12))).toThrow(/key is 32 bytes/);
    expect(() => chacha20Block(new Uint8Array(32), 0, new Uint8Array(8))).toThrow(/nonce is 12 bytes/);
    expect(() => chacha20Block(new Uint8Array(32), 2 ** 32, new Uint8Array(12))).toThrow(/32-bit/);
  });
});
