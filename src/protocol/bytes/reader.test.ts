import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from './errors.ts';
import { fromHex, parseHexPaste, toHex, base64ToBytes, bytesToBase64, utf8Decode, utf8Encode } from './hex.ts';
import { Reader } from './reader.ts';
import { build } from './writer.ts';

describe('Reader', () => {
  it('records the span of every field under its name', () => {
    const bytes = fromHex('0303' + '03' + 'aabbcc' + '0004' + '13011302');
    const r = new Reader(bytes);
    r.u16('legacy_version');
    r.vector('legacy_session_id', 1, (s) => s.rest('id'));
    r.vector('cipher_suites', 2, (s) => s.items((i) => i.u16('cipher_suite')));
    r.expectEnd('ClientHello');
    expect(r.fields.map((f) => [f.name, f.start, f.end])).toEqual([
      ['legacy_version', 0, 2],
      ['legacy_session_id', 2, 6],
      ['cipher_suites', 6, 12],
    ]);
    expect(r.fields[2].children!.map((f) => [f.name, f.start, f.end, f.value])).toEqual([
      ['length', 6, 8, '4'],
      ['cipher_suite', 8, 10, '0x1301'],
      ['cipher_suite', 10, 12, '0x1302'],
    ]);
  });

  it('throws DecodeError naming the field and offset when a vector overruns', () => {
    const r = new Reader(fromHex('0005aabb'));
    try {
      r.vector('extensions', 2, (s) => s.rest('x'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).field).toBe('extensions');
      expect((e as DecodeError).offset).toBe(2);
    }
  });

  it('round-trips vectors written by Writer, for arbitrary contents', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(1 as const, 2 as const, 3 as const), (body, n) => {
        if (n === 1 && body.length > 255) return;
        const bytes = build((w) => w.opaque(n, body));
        const r = new Reader(bytes);
        const got = r.vector('v', n, (s) => s.rest('body'));
        expect(toHex(got)).toBe(toHex(body));
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('either decodes arbitrary bytes as a vector or raises DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          new Reader(bytes).vector('v', 2, (s) => s.items((i) => i.u16('item')));
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
    );
  });
});

describe('hex and text helpers', () => {
  it('reads a Wireshark hex dump paste', () => {
    const paste = '0000   16 03 01 00 04 01 00   .......\n0010   00 00';
    expect(toHex(parseHexPaste(paste))).toBe('16030100040100' + '0000');
  });
  it('rejects a paste with a non-hex character, naming it', () => {
    expect(() => parseHexPaste('16 03 zz')).toThrow(/"z" is not a hex digit/);
  });
  it('base64 round-trips and matches RFC 4648 test vectors', () => {
    expect(bytesToBase64(utf8Encode('foobar'))).toBe('Zm9vYmFy');
    expect(bytesToBase64(utf8Encode('fo'))).toBe('Zm8=');
    expect(utf8Decode(base64ToBytes('Zm9vYg=='))).toBe('foob');
    fc.assert(fc.property(fc.uint8Array(), (b) => {
      expect(toHex(base64ToBytes(bytesToBase64(b)))).toBe(toHex(b));
    }));
  });
  it('utf8 matches the platform encoder', () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (s) => {
      expect(toHex(utf8Encode(s))).toBe(toHex(new TextEncoder().encode(s)));
    }));
    expect(utf8Decode(utf8Encode('邮件服务器握手'))).toBe('邮件服务器握手');
  });
});
