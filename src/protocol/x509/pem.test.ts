import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../bytes/errors.ts';
import { fromHex, toHex } from '../bytes/hex.ts';
import { decodePem, encodePem } from './pem.ts';

function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

describe('PEM (RFC 7468)', () => {
  it('writes 64-character base64 lines between BEGIN and END', () => {
    const pem = encodePem('CERTIFICATE', new Uint8Array(100).fill(0xff));
    const lines = pem.trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines[1]).toBe('/'.repeat(64));
    // 100 octets: 33 groups of 3 give 132 '/', the last 0xff gives '/w==' (RFC 4648 §4, by hand).
    expect(lines[2]).toBe('/'.repeat(64));
    expect(lines[3]).toBe('/////w==');
    expect(lines).toHaveLength(5);
  });

  it('reads a block with explanatory text before it (RFC 7468 §5.2)', () => {
    const body = 'MIIBmTCCAUegAwIBAgIBKjAJBgUrDgMCHQUAMBMxETAPBgNVBAMTCEF0bGFudGlz';
    const text = ['Subject: CN=Atlantis', '-----BEGIN CERTIFICATE-----', body, '-----END CERTIFICATE-----', ''].join('\n');
    const [block] = decodePem(text, 'CERTIFICATE');
    expect(block.label).toBe('CERTIFICATE');
    expect(toHex(block.der)).toBe(Buffer.from(body, 'base64').toString('hex'));
    expect(toHex(block.der.slice(0, 4))).toBe('30820199');
    expect([block.start, block.end]).toEqual([text.indexOf('-----BEGIN'), text.length - 1]);
  });

  it('reads several blocks in order, with text around and between them, and CRLF line ends', () => {
    const a = fromHex('3003020101');
    const b = fromHex('3003020102');
    const text = `chain:\r\n${encodePem('CERTIFICATE', a).replace(/\n/g, '\r\n')}junk in between\n${encodePem('X509 CRL', b)}trailer`;
    const blocks = decodePem(text);
    expect(blocks.map((x) => [x.label, toHex(x.der)])).toEqual([
      ['CERTIFICATE', '3003020101'],
      ['X509 CRL', '3003020102'],
    ]);
  });

  it.each([
    ['no block at all', 'hello', 0, 'no -----BEGIN'],
    ['a BEGIN without an END', '-----BEGIN CERTIFICATE-----\nMAA=\n', 0, 'no matching -----END CERTIFICATE-----'],
    ['an END with another label', '-----BEGIN CERTIFICATE-----\nMAA=\n-----END X509 CRL-----\n', 33, 'does not match'],
    ['a character outside base64', '-----BEGIN CERTIFICATE-----\nMA!A\n-----END CERTIFICATE-----\n', 30, 'broken base64'],
    ['a base64 length that is not a multiple of 4', '-----BEGIN CERTIFICATE-----\nMAA\n-----END CERTIFICATE-----\n', 31, 'broken base64'],
    ['an empty body', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n', 27, 'empty'],
    ['RFC 1421 headers', '-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nMAA=\n-----END PRIVATE KEY-----\n', 27, 'RFC 1421 headers'],
    ['a stray END line', 'x\n-----END CERTIFICATE-----\n', 2, 'without a -----BEGIN'],
    ['a BEGIN before the previous END', '-----BEGIN CERTIFICATE-----\nMAA=\n-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n', 0, 'no matching'],
  ])('rejects %s with a DecodeError at the character where it goes wrong', (_what, text, offset, message) => {
    const e = decodeError(() => decodePem(text));
    expect(e.field).toBe('PEM');
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(message);
  });

  it('rejects a block with another label than the one asked for', () => {
    const e = decodeError(() => decodePem(encodePem('PRIVATE KEY', fromHex('3000')), 'CERTIFICATE'));
    expect(e.message).toContain('expected a CERTIFICATE block, found PRIVATE KEY');
  });

  it('round-trips any bytes under any of the project labels', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.constantFrom('CERTIFICATE', 'X509 CRL', 'PRIVATE KEY'), (der, label) => {
        const [block] = decodePem(encodePem(label, der), label);
        expect(toHex(block.der)).toBe(toHex(der));
      }),
    );
  });

  it('either decodes arbitrary text or throws DecodeError', () => {
    const pemish = fc.array(
      fc.oneof(
        fc.constantFrom('-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', '-----BEGIN X509 CRL-----', '-----END ', '\n', '\r\n', 'MAA=', 'Proc-Type: x', '=', '-----'),
        fc.string({ maxLength: 12 }),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), pemish.map((p) => p.join(''))), (text) => {
        try {
          decodePem(text);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
