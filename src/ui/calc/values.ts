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

/** The value of a key-schedule node from a party's calculations so far (traffic keys by secret name). */
export function keyValue(calcs: readonly CalcStep[], node: KeyNode): { value: string; step: string } | undefined {
  for (let i = calcs.length - 1; i >= 0; i--) {
    const c = calcs[i];
    if (node.explain && c.explain !== node.explain) continue;
    const v = valueOf(c, node.name);
    if (v !== undefined) return { value: v, step: c.id };
  }
  return undefined;
}
