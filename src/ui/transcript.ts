/** The transcript's structure: revealed steps in order, TLS steps nested under their STARTTLS. */
import { bandsOf } from '../diagram/layout.ts';
import type { TraceStep } from '../trace/types.ts';

export interface TranscriptEntry {
  step: TraceStep;
  index: number;
  children: TranscriptEntry[];
}

export function transcriptEntries(steps: readonly TraceStep[], shown: number): TranscriptEntry[] {
  const visible = steps.slice(0, Math.max(0, shown));
  const parentOf = new Map<number, string>();
  for (const band of bandsOf(steps)) {
    if (band.kind !== 'tls' || !band.parent) continue;
    for (let i = band.first; i <= band.last; i++) parentOf.set(i, band.parent);
  }
  const out: TranscriptEntry[] = [];
  const byId = new Map<string, TranscriptEntry>();
  visible.forEach((step, index) => {
    const entry: TranscriptEntry = { step, index, children: [] };
    byId.set(step.id, entry);
    const parent = parentOf.get(index);
    const host = parent ? byId.get(parent) : undefined;
    (host ? host.children : out).push(entry);
  });
  return out;
}
