/**
 * Everything a run needs before it starts that costs asynchronous work: one CryptoProvider per
 * party (fresh, seeded or fixed entropy), and the certificates — the server's PKI, and any other
 * key or root a fault calls for — generated from the "pki" party's entropy at the simulated clock.
 */
import { createWebCryptoProvider } from '../crypto/webcrypto-provider.ts';
import { fixedEntropy, freshEntropy, seededEntropy, type Entropy } from '../crypto/entropy.ts';
import type { CryptoProvider, SigningKey } from '../protocol/crypto-provider.ts';
import { makePki, type Pki } from '../protocol/x509/pki.ts';
import type { ScenarioSpec } from '../scenario/spec.ts';

export type PartyName = 'client' | 'server' | 'pki' | 'attacker';

export interface PreparedRun {
  spec: ScenarioSpec;
  providers: Record<PartyName, CryptoProvider>;
  /** The server's certificates (absent without TLS, and with the RFC 8448 fixture). */
  pki?: Pki;
  /** An unrelated CA: what a client with the wrong trust store trusts, or the attacker's. */
  otherPki?: Pki;
  /** A key that is not the server certificate's (a mismatched key pair). */
  otherKey?: SigningKey;
}

export function entropyFor(spec: ScenarioSpec, party: PartyName): Entropy {
  if (spec.options.fixture) {
    // RFC 8448 fixes every random value as input; a draw would be a bug, so it throws.
    return fixedEntropy([]);
  }
  return spec.options.seed ? seededEntropy(spec.options.seed, party) : freshEntropy();
}

export async function prepareRun(spec: ScenarioSpec): Promise<PreparedRun> {
  const providers = {
    client: createWebCryptoProvider({ entropy: entropyFor(spec, 'client') }),
    server: createWebCryptoProvider({ entropy: entropyFor(spec, 'server') }),
    pki: createWebCryptoProvider({ entropy: entropyFor(spec, 'pki') }),
    attacker: createWebCryptoProvider({ entropy: entropyFor(spec, 'attacker') }),
  };
  const prepared: PreparedRun = { spec, providers };
  const tls = spec.tls;
  if (!tls || tls.fixture) return prepared;
  prepared.pki = await makePki(providers.pki, { now: spec.clock, ...tls.pki });
  const needsOtherPki = tls.client.trust === 'other-root' || spec.attacker?.substituteCertificate;
  if (needsOtherPki) {
    // Another CA, same shape and names: only the keys (and so the signatures) differ.
    prepared.otherPki = await makePki(providers.attacker, {
      now: spec.clock,
      root: { subject: { C: 'CN', O: 'Handshake Lab', CN: 'Handshake Lab Root CA' } },
      leaf: { dnsNames: [tls.client.serverName] },
    });
  }
  if (tls.server.signingKey === 'other') {
    prepared.otherKey = await providers.pki.generateSigningKey(prepared.pki.leaf.key.kind);
  }
  return prepared;
}
