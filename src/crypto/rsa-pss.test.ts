import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePem } from '../protocol/x509/pem.ts';
import { seededEntropy } from './entropy.ts';
import { createWebCryptoProvider } from './webcrypto-provider.ts';

const message = new TextEncoder().encode('TLS 1.3, server CertificateVerify');

describe('RSA-PSS signatures under a seed', () => {
  it('are reproduced byte for byte by the same seed, differ under another, and verify with WebCrypto', async () => {
    const sign = async (seed: string) => {
      const provider = createWebCryptoProvider({ entropy: seededEntropy(seed, 'server') });
      const key = await provider.generateSigningKey('rsa');
      return { provider, key, sig: await provider.sign('rsa_pss_rsae_sha256', key, message) };
    };
    const a = await sign('0a');
    const b = await sign('0a');
    expect(Buffer.from(b.sig).toString('hex')).toBe(Buffer.from(a.sig).toString('hex'));
    expect(a.sig.length).toBe(256);
    expect(await a.provider.verify('rsa_pss_rsae_sha256', a.key.spki, message, a.sig)).toBe(true);
    expect(await a.provider.verify('rsa_pss_rsae_sha256', a.key.spki, message.slice(1), a.sig)).toBe(false);
    const c = await sign('0b');
    expect(Buffer.from(c.sig).toString('hex')).not.toBe(Buffer.from(a.sig).toString('hex'));
  });

  it('verify with OpenSSL (PSS padding, SHA-384, salt length = hash length)', async () => {
    const provider = createWebCryptoProvider({ entropy: seededEntropy('0c', 'server') });
    const key = await provider.generateSigningKey('rsa');
    const sig = await provider.sign('rsa_pss_rsae_sha384', key, message);
    const dir = mkdtempSync(join(tmpdir(), 'hl-pss-'));
    try {
      writeFileSync(join(dir, 'pub.pem'), encodePem('PUBLIC KEY', key.spki));
      writeFileSync(join(dir, 'msg'), message);
      writeFileSync(join(dir, 'sig'), sig);
      const out = execFileSync(
        'openssl',
        ['dgst', '-sha384', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:48', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'msg')],
        { encoding: 'utf8', timeout: 15_000 },
      );
      expect(out.trim()).toBe('Verified OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
