/**
 * decodeAny on what a learner pastes: RFC 8448 §3's records and messages (as published), TLS 1.2
 * flights, and garbage. Every byte of a decodable paste is covered by a leaf field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../bytes/errors.ts';
import { concat, parseHexPaste } from '../bytes/hex.ts';
import { uncovered } from '../../../test/support/field-coverage.ts';
import { loadRfc8448Section3, rfcSteps, rfcValue } from '../../../test/support/rfc8448.ts';
import { decodeAny } from './decode-any.ts';
import { encodeHandshake } from './handshake.ts';
import { encodeServerHello } from './messages/server-hello.ts';
import { encodeRecord } from './record.ts';

const rfc = loadRfc8448Section3();
const records = rfc.filter((s) => s.values.has('complete record')).map((s) => s.values.get('complete record')!);

describe('decodeAny', () => {
  it('decodes the RFC 8448 ClientHello record down to every extension', () => {
    const [record] = decodeAny(records[0]);
    expect([record.name, record.start, record.end, record.value]).toEqual(['TLSPlaintext', 0, 201, 'handshake (22)']);
    const fragment = record.children!.find((f) => f.name === 'fragment')!;
    const hello = fragment.children![0];
    expect([hello.name, hello.start, hello.end]).toEqual(['ClientHello', 5, 201]);
    const extensions = hello
      .children!.find((f) => f.name === 'extensions')!
      .children!.slice(1)
      .map((f) => f.name);
    expect(extensions).toEqual([
      'server_name',
      'renegotiation_info',
      'supported_groups',
      'session_ticket',
      'key_share',
      'supported_versions',
      'signature_algorithms',
      'psk_key_exchange_modes',
      'record_size_limit',
    ]);
  });

  it('decodes all nine RFC 8448 records pasted together, leaving no byte unexplained', () => {
    const all = concat(...records);
    const fields = decodeAny(all);
    expect(fields.map((f) => f.name)).toEqual(['TLSPlaintext', 'TLSPlaintext', ...Array(7).fill('TLSCiphertext')]);
    expect(fields[2].children!.map((f) => f.name)).toEqual([
      'opaque_type',
      'legacy_record_version',
      'length',
      'encrypted_record',
    ]);
    expect(uncovered(fields, all.length)).toEqual([]);
  });

  it('decodes a bare handshake message, and a Wireshark-style paste of one', () => {
    const certificate = rfcValue(rfc, 'server', 'construct a Certificate', 'Certificate');
    const [cert] = decodeAny(certificate);
    expect([cert.name, cert.value]).toEqual(['Certificate', 'certificate (11)']);
    expect(uncovered([cert], certificate.length)).toEqual([]);
    const sh = rfcValue(rfc, 'server', 'construct a ServerHello', 'ServerHello');
    const paste = Buffer.from(sh).toString('hex').replace(/(..)/g, '$1 ');
    expect(decodeAny(parseHexPaste(paste))[0].name).toBe('ServerHello');
  });

  it('decodes the server flight payload as four messages', () => {
    const payload = rfcSteps(rfc, 'server', 'send handshake record')[1].values.get('payload')!;
    expect(decodeAny(payload).map((f) => f.name)).toEqual([
      'EncryptedExtensions',
      'Certificate',
      'CertificateVerify',
      'Finished',
    ]);
  });

  it('reads a TLS 1.2 flight with its 1.2 Certificate once the ServerHello says TLS 1.2', () => {
    const sh = encodeServerHello({
      legacyVersion: 0x0303,
      random: new Uint8Array(32),
      legacySessionIdEcho: new Uint8Array(0),
      cipherSuite: 0xc02f,
      legacyCompressionMethod: 0,
    });
    const cert12 = encodeHandshake(11, (w) => w.vector(3, (l) => l.opaque(3, Uint8Array.of(0x30, 0x00))));
    const done = encodeHandshake(14, () => undefined);
    const paste = encodeRecord({ type: 22, legacyRecordVersion: 0x0303, fragment: concat(sh, cert12, done) });
    const messages = decodeAny(paste)[0].children!.at(-1)!.children!;
    expect(messages.map((m) => [m.name, m.value])).toEqual([
      ['ServerHello', 'server_hello (2)'],
      ['Certificate', 'certificate (11)'],
      ['server_hello_done', 'server_hello_done (14)'],
    ]);
    expect(messages[0].children!.find((f) => f.name === 'cipher_suite')!.value).toBe(
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    );
    expect(uncovered(decodeAny(paste), paste.length)).toEqual([]);
  });

  it('shows a handshake message cut by the record end as a fragment', () => {
    const ch = rfcValue(rfc, 'client', 'construct a ClientHello', 'ClientHello');
    const cut = encodeRecord({ type: 22, legacyRecordVersion: 0x0301, fragment: ch.subarray(0, 100) });
    const fragment = decodeAny(cut)[0].children!.at(-1)!.children![0];
    expect([fragment.name, fragment.value]).toEqual([
      'handshake_fragment',
      'part of client_hello (1): 100 of 196 bytes',
    ]);
  });

  it('decodes alerts and ChangeCipherSpec records', () => {
    const [alert, ccs] = decodeAny(Uint8Array.from([0x15, 3, 3, 0, 2, 2, 0x2a, 0x14, 3, 3, 0, 1, 1]));
    expect(alert.children!.at(-1)!.children![0].children!.map((f) => f.value)).toEqual([
      'fatal (2)',
      'bad_certificate (42)',
    ]);
    expect(ccs.children!.at(-1)!.children![0].children![0].value).toBe('change_cipher_spec (1)');
  });

  it('rejects garbage with a DecodeError at offset 0, and a truncated record naming its field', () => {
    expect(() => decodeAny(Uint8Array.from([0x47, 0x45, 0x54, 0x20]))).toThrow(/neither a TLS record/);
    try {
      decodeAny(records[0].subarray(0, 50));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect([(e as DecodeError).field, (e as DecodeError).offset]).toEqual(['fragment', 5]);
    }
  });

  it('decodes arbitrary bytes or raises DecodeError', () => {
    const check = (bytes: Uint8Array) => {
      try {
        const fields = decodeAny(bytes);
        expect(uncovered(fields, bytes.length)).toEqual([]);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 2000 });
    const recordLike = fc
      .tuple(fc.constantFrom(20, 21, 22, 23), fc.uint8Array({ maxLength: 200 }))
      .map(([t, b]) => concat(Uint8Array.of(t, 3, 3, b.length >> 8, b.length & 0xff), b));
    fc.assert(fc.property(recordLike, check), { numRuns: 2000 });
    const mutatedRecords = fc
      .tuple(fc.constantFrom(...records), fc.nat(), fc.integer({ min: 1, max: 255 }))
      .map(([r, i, x]) => {
        const b = r.slice();
        b[i % b.length] ^= x;
        return b;
      });
    fc.assert(fc.property(mutatedRecords, check), { numRuns: 2000 });
  });
});
