/**
 * TLS 1.2 AES-GCM record protection (RFC 5246 §6.2.3.3, RFC 5288 §3), checked against node:crypto's
 * AES-GCM as an independent implementation: the nonce is salt || nonce_explicit, the additional
 * data seq_num + type + version + length of the plaintext, and the record carries the explicit
 * nonce before the ciphertext and tag.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWebCryptoProvider } from '../../crypto/webcrypto-provider.ts';
import { freshEntropy } from '../../crypto/entropy.ts';
import { concat, fromHex, toHex, utf8Encode } from '../bytes/hex.ts';
import { tls12CipherSuite } from './cipher-suites.ts';
import { Tls12Protection } from './record-protection.ts';

const provider = createWebCryptoProvider({ entropy: freshEntropy() });
const suite = tls12CipherSuite(0xc02f)!;
const key = fromHex('000102030405060708090a0b0c0d0e0f');
const salt = fromHex('a0a1a2a3');

describe('Tls12Protection', () => {
  it('seals as RFC 5288 says: node:crypto opens the record with salt || seq as nonce and the RFC 5246 additional data', async () => {
    const p = new Tls12Protection(provider, suite, 'client_write_key', key, salt);
    await p.seal(0x17, 0x0303, utf8Encode('first'));
    const content = utf8Encode('HELO there\r\n');
    const record = await p.seal(0x17, 0x0303, content);
    // Header: type 23, version 0303, length 8 + 12 + 16 = 36.
    expect(toHex(record.subarray(0, 5))).toBe('1703030024');
    expect(toHex(record.subarray(5, 13))).toBe('0000000000000001');
    const d = createDecipheriv('aes-128-gcm', key, concat(salt, record.subarray(5, 13)));
    // additional_data = seq_num (1) + type (17) + version (0303) + length (000c, the plaintext's).
    d.setAAD(fromHex('0000000000000001' + '17' + '0303' + '000c'));
    d.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([d.update(record.subarray(13, record.length - 16)), d.final()]);
    expect(plain.toString()).toBe('HELO there\r\n');
  });

  it('opens a record node:crypto sealed, whatever nonce_explicit it chose, and counts sequence numbers', async () => {
    const explicit = fromHex('1122334455667788');
    const c = createCipheriv('aes-128-gcm', key, concat(salt, explicit));
    c.setAAD(fromHex('0000000000000000' + '16' + '0303' + '0010'));
    const ct = Buffer.concat([c.update(fromHex('1400000c' + '00'.repeat(12))), c.final()]);
    const record = concat(fromHex('1603030028'), explicit, ct, c.getAuthTag());
    const p = new Tls12Protection(provider, suite, 'server_write_key', key, salt);
    const opened = await p.open(record);
    expect(opened.ok && toHex(opened.content)).toBe('1400000c' + '00'.repeat(12));
    expect(p.sequenceNumber).toBe(1n);
  });

  it('refuses a record with a flipped bit, a record replayed out of sequence, and one too short for nonce and tag', async () => {
    const sender = new Tls12Protection(provider, suite, 'client_write_key', key, salt);
    const r0 = await sender.seal(0x17, 0x0303, utf8Encode('zero'));
    const r1 = await sender.seal(0x17, 0x0303, utf8Encode('one'));
    const flipped = r0.slice();
    flipped[15] ^= 1;
    expect(await new Tls12Protection(provider, suite, 'k', key, salt).open(flipped)).toMatchObject({
      ok: false,
      reason: 'bad_record_mac',
    });
    // Sequence number 0 opening the record sealed under 1: the additional data differs.
    expect(await new Tls12Protection(provider, suite, 'k', key, salt).open(r1)).toMatchObject({ ok: false });
    expect(
      await new Tls12Protection(provider, suite, 'k', key, salt).open(fromHex('1703030004deadbeef')),
    ).toMatchObject({
      ok: false,
      reason: 'bad_record_mac',
    });
  });
});
