/**
 * Completeness of the explanations: every content key and every field name that the traces use
 * has a file (or a `##` section) in both languages, and both languages have the same files. The
 * traces come from the real engines, so a new step, check or field shows up here at once: first
 * smtp-plain (must be complete), then every scenario with every fault that applies to it.
 */
import { describe, expect, it } from 'vitest';
import { FAULTS, FAULT_IDS } from '../faults/catalogue.ts';
import { runScenario } from '../machine/run-scenario.ts';
import { SCENARIO_IDS } from '../scenario/catalogue.ts';
import type { Field } from '../protocol/bytes/field.ts';
import type { Trace } from '../trace/types.ts';
import { bundleFromFiles, type ContentBundle } from './index.ts';
import enFiles from './en/index.ts';
import zhFiles from './zh-CN/index.ts';

const bundles: ContentBundle[] = [bundleFromFiles('en', enFiles), bundleFromFiles('zh-CN', zhFiles)];

function usedKeys(trace: Trace): { keys: string[]; fields: { layer: string; name: string }[] } {
  const keys = new Set<string>([`scenarios/${trace.meta.scenario}`, ...trace.meta.faults.map((f) => `faults/${f}`)]);
  const fields = new Map<string, { layer: string; name: string }>();
  const walk = (layer: string, fs: readonly Field[]) => {
    for (const f of fs) {
      fields.set(`${layer}/${f.name}`, { layer, name: f.name });
      if (f.children) walk(layer, f.children);
    }
  };
  for (const s of trace.steps) {
    keys.add(s.explain);
    if (s.kind === 'message') {
      walk(s.layer, s.content.fields);
      if (s.record) walk('tls', s.record.fields);
    }
    if (s.kind === 'calc') for (const c of s.checks ?? []) keys.add(`check/${c.id}`);
  }
  return { keys: [...keys].sort(), fields: [...fields.values()] };
}

describe('explanations', () => {
  it('cover every step and every field of the smtp-plain trace, in English and Chinese (missing: none)', async () => {
    const trace = await runScenario({ scenario: 'smtp-plain', options: { seed: '00' } });
    const { keys, fields } = usedKeys(trace);
    expect(keys.length).toBeGreaterThan(10);
    expect(fields.length).toBeGreaterThan(10);
    for (const bundle of bundles) {
      const missing = [
        ...keys.filter((k) => !bundle.doc(k)).map((k) => `${bundle.lang}: ${k}.md`),
        ...fields.filter((f) => !bundle.field(f.layer, f.name)?.length).map((f) => `${bundle.lang}: fields/${f.layer}.md ## ${f.name}`),
      ];
      expect(missing).toEqual([]);
    }
  });

  for (const scenario of SCENARIO_IDS) {
    it(`cover every step, check and field of ${scenario}, healthy and with each fault that applies (missing: none)`, async () => {
      const runs = [[], ...FAULT_IDS.filter((f) => FAULTS[f].appliesTo.includes(scenario)).map((f) => [f])];
      const missing = new Set<string>();
      for (const faults of runs) {
        const trace = await runScenario({ scenario, faults, options: { seed: '00' } });
        const { keys, fields } = usedKeys(trace);
        for (const bundle of bundles) {
          for (const k of keys) if (!bundle.doc(k)) missing.add(`${bundle.lang}: ${k}.md`);
          for (const f of fields) if (!bundle.field(f.layer, f.name)?.length) missing.add(`${bundle.lang}: fields/${f.layer}.md ## ${f.name}`);
        }
      }
      expect([...missing].sort()).toEqual([]);
    });
  }

  it('give every fault a Fix section in both languages', () => {
    for (const bundle of bundles) for (const f of FAULT_IDS) expect(bundle.doc(`faults/${f}`)?.sections.Fix?.length, `${bundle.lang} faults/${f}`).toBeGreaterThan(0);
  });

  it('give every file a title, an RFC reference and an rfc-editor.org link', () => {
    for (const bundle of bundles) {
      for (const key of bundle.keys()) {
        const { meta } = bundle.doc(key)!;
        expect.soft(meta.title, `${bundle.lang}/${key} title`).toBeTruthy();
        expect.soft(meta.rfc, `${bundle.lang}/${key} rfc`).toMatch(/^RFC \d+/);
        expect.soft(meta.link, `${bundle.lang}/${key} link`).toMatch(/^https:\/\/www\.rfc-editor\.org\/rfc\/rfc\d+/);
      }
    }
  });

  it('exist in both languages with the same files and the same field sections', () => {
    const [en, zh] = bundles;
    expect(zh.keys().sort()).toEqual(en.keys().sort());
    for (const key of en.keys().filter((k) => k.startsWith('fields/'))) {
      expect(Object.keys(zh.doc(key)!.sections).sort(), key).toEqual(Object.keys(en.doc(key)!.sections).sort());
    }
  });

  it('cite the same RFC section in both languages', () => {
    const [en, zh] = bundles;
    for (const key of en.keys()) expect(zh.doc(key)!.meta.rfc, key).toBe(en.doc(key)!.meta.rfc);
  });
});
