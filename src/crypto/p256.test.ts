import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/bytes/index.ts';
import { bigIntToBytes } from './bigint.ts';
import {
  decodeP256Point,
  ecdsaSignP256,
  encodeP256Point,
  P256,
  p256BaseMultiply,
  p256IsOnCurve,
  p256Multiply,
  p256ScalarFrom,
} from './p256.ts';

const big = (s: string): bigint => BigInt('0x' + s.replace(/\s/g, ''));
const G = { x: P256.Gx, y: P256.Gy };

// RFC 5903 §8.1, the 256-bit random ECP group.
const RFC5903 = {
  i: big('C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433'),
  gix: big('DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180'),
  giy: big('5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3'),
  r: big('C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53'),
  grx: big('D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63'),
  gry: big('56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB'),
  girx: big('D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE'),
};

describe('P-256 point multiplication', () => {
  it('computes the RFC 5903 §8.1 public values g^i and g^r from the base point', () => {
    expect(p256BaseMultiply(RFC5903.i)).toEqual({ x: RFC5903.gix, y: RFC5903.giy });
    expect(p256BaseMultiply(RFC5903.r)).toEqual({ x: RFC5903.grx, y: RFC5903.gry });
  });

  it('computes the RFC 5903 §8.1 shared x-coordinate girx both ways round', () => {
    expect(p256Multiply(RFC5903.i, { x: RFC5903.grx, y: RFC5903.gry })!.x).toBe(RFC5903.girx);
    expect(p256Multiply(RFC5903.r, { x: RFC5903.gix, y: RFC5903.giy })!.x).toBe(RFC5903.girx);
  });

  it('gives G for 1, −G = (Gx, p − Gy) for n − 1, and infinity for n', () => {
    expect(p256BaseMultiply(1n)).toEqual(G);
    expect(p256BaseMultiply(P256.n - 1n)).toEqual({ x: P256.Gx, y: P256.p - P256.Gy });
    expect(p256Multiply(P256.n, G)).toBeNull();
    expect(p256Multiply(P256.n - 1n, G)).toEqual({ x: P256.Gx, y: P256.p - P256.Gy });
  });

  it('base-point comb and generic multiplication agree on arbitrary scalars', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: P256.n - 1n }), (k) => {
        const a = p256BaseMultiply(k);
        expect(p256Multiply(k, G)).toEqual(a);
        expect(p256IsOnCurve(a)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('refuses scalars outside [1, n−1] for the base point', () => {
    expect(() => p256BaseMultiply(0n)).toThrow(/\[1, n-1\]/);
    expect(() => p256BaseMultiply(P256.n)).toThrow(/\[1, n-1\]/);
  });

  it('refuses to multiply a point that is not on the curve', () => {
    expect(() => p256Multiply(2n, { x: RFC5903.gix, y: RFC5903.giy + 1n })).toThrow(/not on the curve/);
  });
});

describe('P-256 point encoding (SEC 1 §2.3.3, §2.3.4)', () => {
  const gi = fromHex('04' + toHex(bigIntToBytes(RFC5903.gix, 32)) + toHex(bigIntToBytes(RFC5903.giy, 32)));

  it('encodes and decodes the uncompressed form', () => {
    expect(toHex(encodeP256Point({ x: RFC5903.gix, y: RFC5903.giy }))).toBe(toHex(gi));
    expect(decodeP256Point(gi)).toEqual({ x: RFC5903.gix, y: RFC5903.giy });
  });

  it('rejects a wrong length, a compressed prefix, and a point off the curve', () => {
    expect(() => decodeP256Point(gi.subarray(0, 64))).toThrow(/65 bytes/);
    expect(() => decodeP256Point(Uint8Array.of(0x02, ...gi.subarray(1, 33)))).toThrow(/65 bytes/);
    const off = Uint8Array.from(gi);
    off[64] ^= 1;
    expect(() => decodeP256Point(off)).toThrow(/not a point on the P-256 curve/);
    expect(() => decodeP256Point(new Uint8Array(0))).toThrow(/got 0 bytes/);
  });

  it('rejects coordinates that are not reduced modulo p', () => {
    // (x + p, y) is the same residue, but SEC 1 §3.2.2.1 requires x < p; x + p does not fit 32
    // bytes, so use x = p itself, which is never on the curve as a residue of 0 anyway.
    expect(p256IsOnCurve({ x: P256.p, y: 0n })).toBe(false);
    expect(p256IsOnCurve({ x: P256.Gx, y: P256.Gy + P256.p })).toBe(false);
  });
});

describe('scalar sampling', () => {
  it('rejects draws outside [1, n−1] and keeps the first in range', () => {
    const draws = [new Uint8Array(32).fill(0xff), new Uint8Array(32), bigIntToBytes(P256.n, 32), bigIntToBytes(1n, 32)];
    let i = 0;
    expect(p256ScalarFrom(() => draws[i++])).toBe(1n);
    expect(i).toBe(4);
  });
});

describe('ECDSA P-256 signing with a given nonce', () => {
  it('reproduces RFC 6979 §A.2.5 (SHA-256, message "sample")', () => {
    const x = big('C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721');
    expect(p256BaseMultiply(x)).toEqual({
      x: big('60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6'),
      y: big('7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299'),
    });
    // SHA-256("sample"), and the k RFC 6979 derives for it.
    const h = fromHex('af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf');
    const k = big('A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60');
    expect(ecdsaSignP256(x, h, () => k)).toEqual({
      r: big('EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716'),
      s: big('F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8'),
    });
  });

  it('reproduces a FIPS 186-4 SigGen vector (P-256, SHA-256, first case)', () => {
    const d = big('519b423d715f8b581f4fa8ee59f4771a5b44c8130b4e3eacca54a56dda72b464');
    expect(p256BaseMultiply(d)).toEqual({
      x: big('1ccbe91c075fc7f4f033bfa248db8fccd3565de94bbfb12f3c59ff46c271bf83'),
      y: big('ce4014c68811f9a21a1fdb2c0e6113e06db7ca93b7404e78dc7ccd5ca89a4ca9'),
    });
    const m = fromHex('44acf6b7e36c1342c2c5897204fe09504e1e2efb1a900377dbc4e7a6a133ec56');
    const k = big('94a1bbb14b906a61a280f245f9e93c7f3b4a6247824f5d33b9670787642a68de');
    expect(ecdsaSignP256(d, m, () => k)).toEqual({
      r: big('f3ac8061b514795b8843e3d6629527ed2afd6b1f6a555a7acabb5e6f79c8c2ac'),
      s: big('8bf77819ca05a6b2786c76262bf7371cef97b218e96f175a3ccdda2acc058903'),
    });
  });

  it('refuses a hash that is not 32 bytes and a private key out of range', () => {
    expect(() => ecdsaSignP256(1n, new Uint8Array(31), () => 1n)).toThrow(/32-byte hash/);
    expect(() => ecdsaSignP256(0n, new Uint8Array(32), () => 1n)).toThrow(/\[1, n-1\]/);
  });
});
