/**
 * A PKI for interop tests as files: makePki's root, intermediate and leaf (ECDSA P-256 unless the
 * leaf asks for RSA) written as PEM under a fresh directory in os.tmpdir(), for OpenSSL (-cert,
 * -cert_chain, -key, -CAfile, -CRL), Nodemailer's smtp-server (key, cert) and the lab (--trust,
 * --crl, --cert, --key). `remove()` deletes the directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebCryptoProvider } from '../../src/crypto/webcrypto-provider.ts';
import { freshEntropy } from '../../src/crypto/entropy.ts';
import { encodePem } from '../../src/protocol/x509/pem.ts';
import { makePki, type LeafSpec, type PkiSpec } from '../../src/protocol/x509/pki.ts';

export interface PkiFiles {
  dir: string;
  /** The root CA (what a client trusts). */
  caPath: string;
  leafPath: string;
  intermediatePath: string;
  /** Leaf then intermediate, as a server sends them. */
  chainPath: string;
  /** The leaf's key, PKCS#8 PEM. */
  keyPath: string;
  chainPem: string;
  keyPem: string;
  /** The CRL from the leaf's issuer, when the spec asked for one. */
  crlPath?: string;
  remove(): void;
}

export async function writePki(leaf: LeafSpec, now = Date.now()): Promise<PkiFiles> {
  return writePkiSpec({ now, leaf });
}

/** Any makePki spec as files (the intermediate must exist: the files name it). */
export async function writePkiSpec(spec: PkiSpec): Promise<PkiFiles> {
  const pki = await makePki(createWebCryptoProvider({ entropy: freshEntropy() }), spec);
  const dir = mkdtempSync(join(tmpdir(), 'hl-cli-pki-'));
  const leafPem = encodePem('CERTIFICATE', pki.leaf.der);
  const intermediatePem = encodePem('CERTIFICATE', pki.intermediate!.der);
  const files = {
    caPath: join(dir, 'ca.pem'),
    leafPath: join(dir, 'leaf.pem'),
    intermediatePath: join(dir, 'intermediate.pem'),
    chainPath: join(dir, 'chain.pem'),
    keyPath: join(dir, 'key.pem'),
  };
  const keyPem = encodePem('PRIVATE KEY', pki.leaf.key.pkcs8);
  writeFileSync(files.caPath, encodePem('CERTIFICATE', pki.root.der));
  writeFileSync(files.leafPath, leafPem);
  writeFileSync(files.intermediatePath, intermediatePem);
  writeFileSync(files.chainPath, leafPem + intermediatePem);
  writeFileSync(files.keyPath, keyPem);
  let crlPath: string | undefined;
  if (pki.crls.length) {
    crlPath = join(dir, 'crl.pem');
    writeFileSync(crlPath, encodePem('X509 CRL', pki.crls[0]));
  }
  return {
    dir,
    ...files,
    ...(crlPath ? { crlPath } : {}),
    chainPem: leafPem + intermediatePem,
    keyPem,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
