/** Small pure helpers for the calculation panels. */
import type { CalcStep, Party, TraceStep } from '../../trace/types.ts';

/** Hex as bytes separated by spaces, for reading and comparing by eye. */
export function spacedHex(hex: string): string {
  return hex.replace(/(..)(?=.)/g, '$1 ');
}

/** Calculations of one kind by one party among the first `upTo` steps (inclusive index). */
export function calcsOf(steps: readonly TraceStep[], name: string, party: Party | null, upTo: number): CalcStep[] {
  const out: CalcStep[] = [];
  for (let i = 0; i <= Math.min(upTo, steps.length - 1); i++) {
    const s = steps[i];
    if (s.kind === 'calc' && s.name === name && (party === null || s.party === party)) out.push(s);
  }
  return out;
}

/** A value by name from a calculation. */
export function valueOf(calc: CalcStep | undefined, name: string): string | undefined {
  return calc?.values.find((v) => v.name === name)?.value;
}

export interface KeyNode {
  /** RFC 8446 §7.1 name of the value. */
  name: string;
  /** How it is made, as §7.1 writes it. */
  how: string;
  /** The content key of the calculation that reports it (to tell the two derived_secret apart). */
  explain?: string;
  children?: KeyNode[];
}

const trafficKeys = (prefix: string): KeyNode[] => [
  { name: `${prefix}_write_key`, how: 'HKDF-Expand-Label(secret, "key", "", key_length)', explain: 'tls13/key-schedule/traffic-keys' },
  { name: `${prefix}_write_iv`, how: 'HKDF-Expand-Label(secret, "iv", "", iv_length)', explain: 'tls13/key-schedule/traffic-keys' },
];

/** The key schedule of RFC 8446 §7.1 (without PSK binders and early traffic: this lab does not resume). */
export const KEY_SCHEDULE: KeyNode[] = [
  {
    name: 'early_secret',
    how: 'HKDF-Extract(salt = 0, IKM = PSK or zeros)',
    explain: 'tls13/key-schedule/early-secret',
    children: [
      {
        name: 'derived_secret',
        how: 'Derive-Secret(early_secret, "derived", "")',
        explain: 'tls13/key-schedule/handshake-secret',
        children: [
          {
            name: 'handshake_secret',
            how: 'HKDF-Extract(salt = derived_secret, IKM = (EC)DHE shared_secret)',
            explain: 'tls13/key-schedule/handshake-secret',
            children: [
              { name: 'client_handshake_traffic_secret', how: 'Derive-Secret(., "c hs traffic", ClientHello...ServerHello)', explain: 'tls13/key-schedule/handshake-secret', children: trafficKeys('client_handshake') },
              { name: 'server_handshake_traffic_secret', how: 'Derive-Secret(., "s hs traffic", ClientHello...ServerHello)', explain: 'tls13/key-schedule/handshake-secret', children: trafficKeys('server_handshake') },
              {
                name: 'derived_secret',
                how: 'Derive-Secret(handshake_secret, "derived", "")',
                explain: 'tls13/key-schedule/master-secret',
                children: [
                  {
                    name: 'master_secret',
                    how: 'HKDF-Extract(salt = derived_secret, IKM = zeros)',
                    explain: 'tls13/key-schedule/master-secret',
                    children: [
                      { name: 'client_application_traffic_secret_0', how: 'Derive-Secret(., "c ap traffic", ClientHello...server Finished)', explain: 'tls13/key-schedule/master-secret', children: trafficKeys('client_application') },
                      { name: 'server_application_traffic_secret_0', how: 'Derive-Secret(., "s ap traffic", ClientHello...server Finished)', explain: 'tls13/key-schedule/master-secret', children: trafficKeys('server_application') },
                      { name: 'exporter_master_secret', how: 'Derive-Secret(., "exp master", ClientHello...server Finished)', explain: 'tls13/key-schedule/master-secret' },
                      { name: 'resumption_master_secret', how: 'Derive-Secret(., "res master", ClientHello...client Finished)', explain: 'tls13/key-schedule/resumption-master-secret' },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
];

/** TLS 1.2's key derivation (RFC 5246 §8.1 and §6.3, with RFC 7627's extended master secret). */
export const TLS12_KEYS: KeyNode[] = [
  {
    name: 'pre_master_secret',
    how: 'ECDHE shared secret, or 48 bytes the client encrypted to the server (RSA key transport)',
    children: [
      {
        name: 'master_secret',
        how: 'PRF(pre_master_secret, "extended master secret", session_hash) — or "master secret" with both randoms',
        explain: 'tls12/extended-master-secret',
        children: [
          {
            name: 'key_block',
            how: 'PRF(master_secret, "key expansion", server_random + client_random)',
            explain: 'tls12/key-block',
            children: [
              { name: 'client_write_key', how: 'key_block, first bytes', explain: 'tls12/key-block' },
              { name: 'server_write_key', how: 'key_block, next bytes', explain: 'tls12/key-block' },
              { name: 'client_write_IV', how: 'key_block, then the implicit nonce parts', explain: 'tls12/key-block' },
              { name: 'server_write_IV', how: 'key_block, last bytes', explain: 'tls12/key-block' },
            ],
          },
        ],
      },
    ],
  },
];

/**
 * The value of a key-schedule node from a party's calculations so far: from the calculation that
 * derives it (its content key), the latest first; TLS 1.2 without RFC 7627 names its master secret
 * calculation differently, so there any TLS 1.2 calculation carrying the name will do.
 */
export function keyValue(calcs: readonly CalcStep[], node: KeyNode): { value: string; step: string } | undefined {
  const find = (accept: (c: CalcStep) => boolean) => {
    for (let i = calcs.length - 1; i >= 0; i--) {
      const v = accept(calcs[i]) ? valueOf(calcs[i], node.name) : undefined;
      if (v !== undefined) return { value: v, step: calcs[i].id };
    }
    return undefined;
  };
  if (!node.explain) return find(() => true);
  return find((c) => c.explain === node.explain) ?? (node.explain.startsWith('tls12/') ? find((c) => c.explain.startsWith('tls12/')) : undefined);
}
