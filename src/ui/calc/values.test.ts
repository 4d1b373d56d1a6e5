import { describe, expect, it } from 'vitest';
import type { CalcStep } from '../../trace/types.ts';
import { calcsOf, KEY_SCHEDULE, keyValue, spacedHex, TLS12_KEYS } from './values.ts';

const calc = (id: string, explain: string, values: Record<string, string>, name = 'key-schedule'): CalcStep => ({
  kind: 'calc',
  id,
  at: 0,
  phase: 'tls',
  party: 'client',
  name,
  title: id,
  explain,
  values: Object.entries(values).map(([n, value]) => ({ name: n, value, kind: 'hex' })),
});

describe('calculation panel helpers', () => {
  it('space hex into bytes', () => {
    expect(spacedHex('0a0b0c')).toBe('0a 0b 0c');
    expect(spacedHex('')).toBe('');
  });

  it('tell the two derived_secret values of RFC 8446 §7.1 apart by the calculation that derives them', () => {
    const calcs = [
      calc('s1', 'tls13/key-schedule/early-secret', { early_secret: '01' }),
      calc('s2', 'tls13/key-schedule/handshake-secret', { early_secret: '01', derived_secret: 'd1', handshake_secret: '02' }),
      calc('s3', 'tls13/key-schedule/master-secret', { handshake_secret: '02', derived_secret: 'd2', master_secret: '03' }),
    ];
    const early = KEY_SCHEDULE[0];
    const derived1 = early.children![0];
    const derived2 = derived1.children![0].children!.find((n) => n.name === 'derived_secret')!;
    expect(keyValue(calcs, early)).toEqual({ value: '01', step: 's1' });
    expect(keyValue(calcs, derived1)).toEqual({ value: 'd1', step: 's2' });
    expect(keyValue(calcs, derived2)).toEqual({ value: 'd2', step: 's3' });
    expect(keyValue(calcs.slice(0, 2), derived2)).toBeUndefined();
  });

  it('credit a TLS 1.2 value to the step that derives it, not to a later one that only uses it', () => {
    const calcs = [
      calc('s1', 'tls12/extended-master-secret', { pre_master_secret: 'aa', master_secret: 'bb' }, 'prf'),
      calc('s2', 'tls12/key-block', { master_secret: 'bb', key_block: 'cc', client_write_key: 'c1' }),
    ];
    const master = TLS12_KEYS[0].children![0];
    expect(keyValue(calcs, master)).toEqual({ value: 'bb', step: 's1' });
    expect(keyValue(calcs, master.children![0])).toEqual({ value: 'cc', step: 's2' });
    // Without RFC 7627 the master secret comes from a differently named calculation: still found.
    expect(keyValue([calc('s9', 'tls12/master-secret', { master_secret: 'ee' }, 'prf')], master)).toEqual({ value: 'ee', step: 's9' });
  });

  it('list one party’s calculations of one kind up to a step', () => {
    const steps = [calc('s0', 'x', {}), { ...calc('s1', 'x', {}), party: 'server' as const }, calc('s2', 'x', {})];
    expect(calcsOf(steps, 'key-schedule', 'client', 1).map((c) => c.id)).toEqual(['s0']);
    expect(calcsOf(steps, 'key-schedule', null, 2).map((c) => c.id)).toEqual(['s0', 's1', 's2']);
  });
});
