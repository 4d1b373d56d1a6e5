/**
 * The transcript's structure: the steps of the player's granularity in order, TLS steps nested
 * under their STARTTLS, and (in the wire granularity) the calculations folded into each step.
 */
import { bandsOf } from '../diagram/layout.ts';
import { stepView, type StepGroup, type StepView } from '../diagram/wire.ts';
import type { TraceStep } from '../trace/types.ts';

export interface TranscriptEntry {
  step: TraceStep;
  /** Trace index. */
  index: number;
  /** Position in the view (0-based): the entry is numbered pos + 1 and shows once the player is past it. */
  pos: number;
  /** The folded steps shown with it (wire granularity), by party and instant. */
  groups: StepGroup[];
  children: TranscriptEntry[];
}

export function transcriptEntries(steps: readonly TraceStep[], view: StepView = stepView(steps, 'all')): TranscriptEntry[] {
  const parentOf = new Map<number, string>();
  for (const band of bandsOf(steps)) {
    if (band.kind !== 'tls' || !band.parent) continue;
    for (let i = band.first; i <= band.last; i++) parentOf.set(i, band.parent);
  }
  const out: TranscriptEntry[] = [];
  const byId = new Map<string, TranscriptEntry>();
  view.steps.forEach((index, pos) => {
    const step = steps[index];
    const entry: TranscriptEntry = { step, index, pos, groups: view.detail === 'wire' ? (view.groups.get(index) ?? []) : [], children: [] };
    byId.set(step.id, entry);
    const parent = parentOf.get(index);
    const host = parent ? byId.get(parent) : undefined;
    (host ? host.children : out).push(entry);
  });
  return out;
}
