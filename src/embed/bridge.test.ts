import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventTarget, hear, normalizeOrigin, originPolicy, parseMessage } from './bridge.ts';

const msg = (o: object) => ({ source: 'handshake-lab', ...o });

describe('postMessage commands', () => {
  it('reads the namespaced commands and nothing else', () => {
    for (const type of ['play', 'pause', 'next', 'prev', 'reset', 'hello']) expect(parseMessage(msg({ type }))).toEqual({ type });
    expect(parseMessage(msg({ type: 'seek', step: 7 }))).toEqual({ type: 'seek', step: 7 });
    expect(parseMessage(msg({ type: 'seek', step: '3' }))).toEqual({ type: 'seek', step: 3 });
    expect(parseMessage(msg({ type: 'configure', settings: { lang: 'zh-CN', step: 4, autoplay: true, theme: null } }))).toEqual({
      type: 'settings',
      settings: { lang: 'zh-CN', step: '4', autoplay: 'true', theme: '' },
    });
    for (const bad of [
      { type: 'play' },
      { source: 'other', type: 'play' },
      msg({ type: 'destroy' }),
      msg({ type: 'seek', step: -1 }),
      msg({ type: 'seek', step: Number.NaN }),
      msg({ type: 'seek' }),
      msg({ type: 'configure', settings: 'scenario=tls13' }),
      'play',
      null,
      [msg({ type: 'play' })],
    ]) {
      expect(parseMessage(bad)).toBeNull();
    }
  });

  it('drops setting values that are not plain, and caps their length', () => {
    const parsed = parseMessage(msg({ type: 'configure', settings: { scenario: { toString: () => 'x' }, seed: 'ab'.repeat(500) } }));
    expect(parsed).toEqual({ type: 'settings', settings: { seed: 'ab'.repeat(128) } });
  });

  it('any value a page may post is either a command or null, never an exception', () => {
    const anything = fc.oneof(
      fc.anything(),
      fc.record({ source: fc.constantFrom('handshake-lab', 'x'), type: fc.string(), step: fc.anything(), settings: fc.anything() }, { requiredKeys: ['source', 'type'] }),
    );
    fc.assert(
      fc.property(anything, (value) => {
        const r = parseMessage(value);
        expect(r === null || typeof r.type === 'string').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('origins', () => {
  it('an origin parameter is normalised, and anything but http(s) refused', () => {
    expect(normalizeOrigin('https://docs.example.org/some/page?x')).toBe('https://docs.example.org');
    expect(normalizeOrigin('http://localhost:5173')).toBe('http://localhost:5173');
    expect(normalizeOrigin('javascript:alert(1)')).toBeNull();
    expect(normalizeOrigin('*')).toBeNull();
    expect(normalizeOrigin('')).toBeNull();
  });

  it('with an origin parameter, only that origin is heard and events go only there', () => {
    const p = originPolicy('https://docs.example.org');
    expect(hear(p, 'https://evil.example')).toBe(false);
    expect(hear(p, 'https://docs.example.org')).toBe(true);
    expect(eventTarget(p, 'stepchange')).toBe('https://docs.example.org');
    expect(eventTarget(p, 'ready')).toBe('https://docs.example.org');
  });

  it('a bad origin parameter means nobody is heard and nothing is posted', () => {
    const p = originPolicy('not an origin');
    expect(hear(p, 'https://docs.example.org')).toBe(false);
    expect(eventTarget(p, 'ready')).toBeNull();
  });

  it('without one, the first origin heard is pinned; until then only ready and resize go out, to any parent', () => {
    const p = originPolicy(null);
    expect(eventTarget(p, 'ready')).toBe('*');
    expect(eventTarget(p, 'resize')).toBe('*');
    expect(eventTarget(p, 'stepchange')).toBeNull();
    expect(hear(p, 'null')).toBe(false);
    expect(hear(p, 'https://a.example')).toBe(true);
    expect(hear(p, 'https://b.example')).toBe(false);
    expect(eventTarget(p, 'stepchange')).toBe('https://a.example');
    expect(eventTarget(p, 'ready')).toBe('https://a.example');
  });
});
