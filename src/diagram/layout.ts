/**
 * Trace + width → the geometry of the sequence diagram. Pure and deterministic: the same trace
 * and width give the same numbers, so the diagram can be snapshot-tested and rendered on a server.
 *
 * Theory of operation. Every step becomes vertical *events*: a message departs (and, unless lost,
 * arrives), a wait starts and ends, a calculation, note or failure happens. Events are sorted by
 * virtual time and stacked down the page. Between two times the gap is the time difference to
 * scale (a typical one-way latency is `hopPx`), never less than one row, so that round trips and
 * waits compare at a glance; events at the same time take one row each, so a TLS flight of five
 * records shows as five parallel arrows. A gap too long to draw to scale (a 5-minute timeout next
 * to 20 ms hops) is compressed to a bounded height that still grows with the duration, and marked
 * as a break carrying its real duration. A reply that leaves when the request arrives shares its
 * row, which draws the familiar ladder.
 */
import type { Protection } from '../protocol/engine.ts';
import type { Party, TraceStep, Trace } from '../trace/types.ts';
import { fitLabel, formatMs, stepLabel, textWidth } from './labels.ts';
import { stepView, type StepGroup, type StepView } from './wire.ts';

export interface LayoutOptions {
  width: number;
  /** Label font size in px; the presenter view uses a larger one. */
  fontSize?: number;
  /**
   * The granularity (wire.ts): in the wire view each group of folded steps is one marker on its
   * party's lane instead of a row per step. Default: every step.
   */
  view?: StepView;
  /** Owners (trace indices) whose groups are drawn open, a row per step, in the wire view. */
  expanded?: ReadonlySet<number>;
  /** Each step's label in the learner's language (default: the engine's). */
  labels?: readonly string[];
  /** A group marker's label, e.g. `15 calculations`. */
  groupLabel?: (group: StepGroup, open: boolean) => string;
}

export interface Lane {
  party: Party;
  x: number;
}

export interface Tick {
  y: number;
  ms: number;
  label: string;
}

/** A compressed stretch of time. */
export interface Break {
  y0: number;
  y1: number;
  ms: number;
  label: string;
}

/** A run of TLS (or SMTP-over-TLS) steps, drawn as a band; `parent` is the STARTTLS step it nests under. */
export interface Band {
  kind: 'tls' | 'smtp-tls';
  first: number;
  last: number;
  parent?: string;
}

interface ItemBase {
  id: string;
  /** Trace index of the step (a group marker: its owner's). */
  index: number;
  /** Position in the view (0-based): the item shows once the player has revealed this many steps plus one. */
  pos: number;
  /** Vertical extent of everything drawn for the step (for bands and scrolling). */
  yMin: number;
  yMax: number;
  label: string;
  fullLabel: string;
}

export interface ArrowItem extends ItemBase {
  kind: 'arrow';
  from: Party;
  to: Party;
  x1: number;
  y1: number;
  /** Where the arrow ends: the receiver's lane, or the cross where a lost message vanished. */
  x2: number;
  y2: number;
  lost: boolean;
  protection: Protection;
  layer: 'tcp' | 'smtp' | 'tls';
  labelX: number;
  labelY: number;
  /** Degrees, to write the label along the arrow. */
  angle: number;
}

export interface MarkItem extends ItemBase {
  kind: 'calc' | 'note' | 'failure';
  party: Party | null;
  x: number;
  y: number;
  labelX: number;
  anchor: 'start' | 'end';
}

export interface WaitItem extends ItemBase {
  kind: 'wait';
  party: Party;
  x: number;
  y1: number;
  y2: number;
  labelX: number;
  anchor: 'start' | 'end';
}

/** A group of folded steps (wire view): one marker on the lane; open, its steps follow it as rows. */
export interface GroupItem extends ItemBase {
  kind: 'group';
  party: Party | null;
  x: number;
  y: number;
  labelX: number;
  anchor: 'start' | 'end';
  /** Trace indices of the steps in it, and their ids. */
  members: number[];
  memberIds: string[];
  open: boolean;
}

export type Item = ArrowItem | MarkItem | WaitItem | GroupItem;

export interface Geometry {
  width: number;
  height: number;
  fontSize: number;
  /** y where the lanes start (below the lane titles). */
  top: number;
  axisX: number;
  plotLeft: number;
  plotRight: number;
  lanes: Lane[];
  ticks: Tick[];
  breaks: Break[];
  bands: Band[];
  items: Item[];
  /** Some stretch of time is not to scale. */
  compressed: boolean;
  /** The strip above a band's first row, for its title. */
  bandPad: number;
  /** px per virtual ms where time is to scale. */
  pxPerMs: number;
}

const LANE_ORDER: Party[] = ['client', 'attacker', 'server'];

type EventKind = 'arrive' | 'waitEnd' | 'depart' | 'local' | 'waitStart';
interface Ev {
  time: number;
  kind: EventKind;
  /** An end that coincides with its own start (zero latency): it must still come after it. */
  instant?: boolean;
  /** The item it belongs to (an index into the items). */
  index: number;
  /** Sort key among events at the same time and rank: trace order (a group sits just before its first step). */
  order: number;
  lane: Party | null;
  y: number;
}

const rank = (e: Ev): number => (e.kind === 'arrive' || e.kind === 'waitEnd' ? (e.instant ? 2 : 0) : 1);
const round = (n: number) => Math.round(n * 10) / 10;

function lanesOf(trace: Trace): Party[] {
  const used = new Set<Party>(trace.lanes);
  for (const s of trace.steps) {
    if (s.kind === 'message') {
      used.add(s.from);
      used.add(s.to);
    } else if (s.kind !== 'note' && s.party) used.add(s.party);
    else if (s.kind === 'note' && s.party) used.add(s.party);
  }
  return LANE_ORDER.filter((p) => used.has(p));
}

function median(values: number[]): number {
  if (!values.length) return 20;
  const v = [...values].sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
}

/** Path of an arrowhead at (x2, y2) pointing away from (x1, y1). */
export function arrowHead(x1: number, y1: number, x2: number, y2: number, size = 8): string {
  const a = Math.atan2(y2 - y1, x2 - x1);
  const p = (angle: number) => `${round(x2 - size * Math.cos(angle))},${round(y2 - size * Math.sin(angle))}`;
  return `M${round(x2)},${round(y2)}L${p(a - 0.45)}L${p(a + 0.45)}Z`;
}

/** An X of half-size `r` at (x, y): where a lost message vanished. */
export function crossPath(x: number, y: number, r = 6): string {
  return `M${round(x - r)},${round(y - r)}L${round(x + r)},${round(y + r)}M${round(x - r)},${round(y + r)}L${round(x + r)},${round(y - r)}`;
}

/** A zigzag across a lane at a compressed stretch of time. */
export function zigzag(x: number, y0: number, y1: number, w = 6): string {
  const m = (y0 + y1) / 2;
  return `M${round(x)},${round(y0)}L${round(x)},${round(m - 6)}L${round(x - w)},${round(m - 2)}L${round(x + w)},${round(m + 2)}L${round(x)},${round(m + 6)}L${round(x)},${round(y1)}`;
}

/** One thing the diagram draws: a step, or a group marker standing for folded steps. */
type Unit = { kind: 'step'; index: number; pos: number; order: number } | { kind: 'group'; group: StepGroup; pos: number; order: number; open: boolean };

/** What the diagram draws for a view: every shown step, and each group as a marker (its steps too, when open). */
function unitsOf(steps: readonly TraceStep[], view: StepView, expanded: ReadonlySet<number>): Unit[] {
  if (view.detail === 'all') return steps.map((_, i) => ({ kind: 'step', index: i, pos: i, order: i }));
  const units: Unit[] = view.steps.map((index, pos) => ({ kind: 'step', index, pos, order: index }));
  for (const [owner, groups] of view.groups) {
    const pos = view.positionOf[owner];
    const open = expanded.has(owner);
    for (const group of groups) {
      units.push({ kind: 'group', group, pos, order: group.members[0] - 0.5, open });
      if (open) for (const m of group.members) units.push({ kind: 'step', index: m, pos, order: m });
    }
  }
  return units.sort((a, b) => a.order - b.order);
}

export function layout(trace: Trace, opts: LayoutOptions): Geometry {
  const fontSize = opts.fontSize ?? 12;
  const width = Math.max(280, Math.round(opts.width));
  const row = Math.round(fontSize * 2.2);
  /** Between the arrows of one flight (messages sent together): enough for their labels. */
  const flightGap = Math.round(fontSize * 1.7);
  const hopPx = Math.round(fontSize * 3.4);
  const maxGapPx = hopPx * 6;
  const axisWidth = Math.round(fontSize * (width < 520 ? 4.2 : 5.2));
  const top = Math.round(fontSize * 4);
  const plotLeft = axisWidth + 8;
  const plotRight = width - 8;
  const steps = trace.steps;
  const view = opts.view ?? stepView(steps, 'all');
  const labelOf = (i: number) => opts.labels?.[i] ?? stepLabel(steps[i]);

  const parties = lanesOf(trace);
  const laneX = new Map<Party, number>();
  const span = plotRight - plotLeft;
  parties.forEach((p, i) => {
    const f = parties.length === 1 ? 0.5 : 0.12 + (0.76 * i) / (parties.length - 1);
    laneX.set(p, round(plotLeft + span * f));
  });
  const xOf = (p: Party | null | undefined): number => (p ? (laneX.get(p) ?? plotLeft) : (plotLeft + plotRight) / 2);

  const latencies = steps.flatMap((s) => (s.kind === 'message' && s.arrivesAt !== null && s.arrivesAt > s.at ? [s.arrivesAt - s.at] : []));
  const hopMs = median(latencies);
  const pxPerMs = hopPx / hopMs;

  const units = unitsOf(steps, view, opts.expanded ?? new Set());

  // 1. Events.
  const events: Ev[] = [];
  units.forEach((u, index) => {
    if (u.kind === 'group') {
      events.push({ time: u.group.at, kind: 'local', index, order: u.order, lane: u.group.party, y: 0 });
      return;
    }
    const s = steps[u.index];
    switch (s.kind) {
      case 'message':
        events.push({ time: s.at, kind: 'depart', index, order: u.order, lane: s.from, y: 0 });
        if (s.arrivesAt !== null) events.push({ time: Math.max(s.at, s.arrivesAt), kind: 'arrive', index, order: u.order, lane: s.to, y: 0, instant: s.arrivesAt <= s.at });
        break;
      case 'wait':
        events.push({ time: s.at, kind: 'waitStart', index, order: u.order, lane: s.party, y: 0 });
        events.push({ time: Math.max(s.at, s.until), kind: 'waitEnd', index, order: u.order, lane: s.party, y: 0, instant: s.until <= s.at });
        break;
      default:
        events.push({ time: s.at, kind: 'local', index, order: u.order, lane: s.kind === 'note' ? (s.party ?? null) : s.party, y: 0 });
    }
  });
  events.sort((a, b) => a.time - b.time || rank(a) - rank(b) || a.order - b.order);

  // Flights: messages one party sends to another at one instant, arriving together. Their arrows
  // are drawn a little apart and parallel, each as long as the hop, however many there are.
  const messageOf = (e: Ev) => {
    const u = units[e.index];
    const s = u.kind === 'step' ? steps[u.index] : null;
    return s?.kind === 'message' ? s : null;
  };
  const flightOf = new Map<Ev, Ev[]>();
  for (let i = 0; i < events.length; ) {
    const first = events[i];
    const m = messageOf(first);
    let j = i + 1;
    if (first.kind === 'depart' && m && m.arrivesAt !== null) {
      while (j < events.length) {
        const n = events[j].kind === 'depart' ? messageOf(events[j]) : null;
        if (!n || n.at !== m.at || n.from !== m.from || n.to !== m.to || n.arrivesAt !== m.arrivesAt) break;
        j++;
      }
    }
    if (j - i > 1) {
      const departs = events.slice(i, j);
      // Drawn as a flight only when the arrivals come next, together: nothing happens in between.
      const arrivals = events.slice(j, j + departs.length);
      if (arrivals.length === departs.length && arrivals.every((a, k) => a.kind === 'arrive' && a.index === departs[k].index)) {
        for (const d of departs) flightOf.set(d, departs);
        for (const a of arrivals) flightOf.set(a, departs);
      }
    }
    i = j;
  }

  // A band (the TLS inside STARTTLS, SMTP inside TLS) gets a strip of its own above its first
  // row, for its title: nothing else is drawn there.
  const bands = bandsOf(steps);
  const bandPad = Math.round(fontSize * 1.5);
  const traceIndexOf = (e: Ev) => {
    const u = units[e.index];
    return u.kind === 'group' ? u.group.owner : u.index;
  };
  const opensBand = new Set<Ev>();
  for (const band of bands) {
    const first = events.find((e) => {
      const i = traceIndexOf(e);
      return i >= band.first && i <= band.last;
    });
    if (first) opensBand.add(first);
  }

  // 2. Rows.
  const breaks: Break[] = [];
  const ticks: Tick[] = [];
  let y = top + row;
  let prev: Ev | null = null;
  const departY = new Map<number, number>();
  for (const e of events) {
    const flight = flightOf.get(e);
    if (prev) {
      const inFlight = flight && flightOf.get(prev) === flight;
      if (inFlight && e.kind === prev.kind) {
        y += flightGap;
      } else if (e.time === prev.time) {
        const sharesRow = prev.kind === 'arrive' && e.kind === 'depart' && prev.index !== e.index;
        y += sharesRow ? 0 : row;
      } else {
        const dt = e.time - prev.time;
        const px = dt * pxPerMs;
        const gap = px > maxGapPx ? Math.min(maxGapPx, row * 2.5 + row * Math.log2(px / maxGapPx)) : Math.max(row, px);
        // A flight's first arrival is one hop below its first departure, not below its last: the
        // arrows keep the hop's length (the flight may overlap itself, on different lanes).
        const from = inFlight ? departY.get(flight[0].index)! : y;
        if (px > maxGapPx) breaks.push({ y0: round(from), y1: round(from + gap), ms: dt, label: formatMs(dt) });
        y = from + gap;
      }
    }
    if (opensBand.has(e)) y += bandPad;
    e.y = round(y);
    if (e.kind === 'depart') departY.set(e.index, e.y);
    if (!prev || e.time !== prev.time) ticks.push({ y: e.y, ms: e.time, label: formatMs(e.time) });
    prev = e;
  }
  const lastY = Math.max(y, ...events.map((e) => e.y));
  const height = Math.round(lastY + row * 1.5);

  // Each unit's events, for the items.
  const byIndex = new Map<number, Ev[]>();
  for (const e of events) {
    const list = byIndex.get(e.index) ?? [];
    list.push(e);
    byIndex.set(e.index, list);
  }

  // Room for a label beside a lane: towards the neighbouring lane (or the edge).
  const innerRoom = (p: Party | null): { x: number; anchor: 'start' | 'end'; room: number } => {
    const x = xOf(p);
    const i = p ? parties.indexOf(p) : -1;
    const toRight = i < parties.length - 1 || parties.length === 1;
    if (toRight) {
      const next = i >= 0 && i < parties.length - 1 ? xOf(parties[i + 1]) : plotRight;
      return { x: x + fontSize, anchor: 'start', room: next - x - fontSize * 2 };
    }
    const before = i > 0 ? xOf(parties[i - 1]) : plotLeft;
    return { x: x - fontSize, anchor: 'end', room: x - before - fontSize * 2 };
  };

  const items: Item[] = units.map((u, unit): Item => {
    const evs = byIndex.get(unit)!;
    if (u.kind === 'group') {
      const ev = evs[0];
      const side = innerRoom(u.group.party);
      const full = opts.groupLabel?.(u.group, u.open) ?? `${u.group.members.length}`;
      return {
        kind: 'group',
        id: `g-${u.group.members[0]}`,
        index: u.group.owner,
        pos: u.pos,
        party: u.group.party,
        x: xOf(u.group.party),
        y: ev.y,
        labelX: round(side.x),
        anchor: side.anchor,
        label: fitLabel(full, side.room - fontSize, fontSize),
        fullLabel: full,
        members: u.group.members,
        memberIds: u.group.members.map((m) => steps[m].id),
        open: u.open,
        yMin: ev.y - fontSize,
        yMax: ev.y + fontSize / 2,
      };
    }
    const index = u.index;
    const pos = u.pos;
    const s = steps[index];
    const full = labelOf(index);
    if (s.kind === 'message') {
      const dep = evs.find((e) => e.kind === 'depart')!;
      const arr = evs.find((e) => e.kind === 'arrive');
      const x1 = xOf(s.from);
      const xTo = xOf(s.to);
      const y1 = dep.y;
      let x2 = xTo;
      let y2: number;
      if (arr) y2 = arr.y;
      else {
        // Lost: it vanishes a little past half way, at the slope a delivered message would have.
        x2 = round(x1 + (xTo - x1) * 0.55);
        y2 = round(y1 + hopPx * 0.55);
      }
      const dx = xTo - x1;
      const angle = round((Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI + (dx < 0 ? 180 : 0));
      const room = Math.abs(xTo - x1) - fontSize * 2;
      const midX = (x1 + x2) / 2;
      const midY = (y1 + y2) / 2;
      // Write the label just above the line, turned to follow it.
      const rad = (angle * Math.PI) / 180;
      const off = fontSize * 0.45;
      return {
        kind: 'arrow',
        id: s.id,
        index,
        pos,
        from: s.from,
        to: s.to,
        x1,
        y1,
        x2,
        y2,
        lost: !arr,
        protection: s.protection,
        layer: s.layer,
        label: fitLabel(full, room, fontSize),
        fullLabel: full,
        labelX: round(midX + off * Math.sin(rad)),
        labelY: round(midY - off * Math.cos(rad)),
        angle,
        yMin: Math.min(y1, y2) - fontSize,
        yMax: Math.max(y1, y2),
      };
    }
    if (s.kind === 'wait') {
      const start = evs.find((e) => e.kind === 'waitStart')!;
      const end = evs.find((e) => e.kind === 'waitEnd')!;
      const side = innerRoom(s.party);
      return {
        kind: 'wait',
        id: s.id,
        index,
        pos,
        party: s.party,
        x: xOf(s.party),
        y1: start.y,
        y2: end.y,
        labelX: round(side.x),
        anchor: side.anchor,
        label: fitLabel(full, side.room, fontSize),
        fullLabel: full,
        yMin: start.y - fontSize,
        yMax: end.y,
      };
    }
    const ev = evs[0];
    const party = s.kind === 'note' ? (s.party ?? null) : s.party;
    const side = innerRoom(party);
    return {
      kind: s.kind,
      id: s.id,
      index,
      pos,
      party,
      x: xOf(party),
      y: ev.y,
      labelX: round(side.x),
      anchor: side.anchor,
      label: fitLabel(full, side.room, fontSize),
      fullLabel: full,
      yMin: ev.y - fontSize,
      yMax: ev.y + fontSize / 2,
    };
  });

  return {
    width,
    height,
    fontSize,
    top,
    axisX: axisWidth,
    plotLeft,
    plotRight,
    lanes: parties.map((party) => ({ party, x: xOf(party) })),
    ticks: thinTicks(ticks, fontSize * 1.3),
    breaks,
    bands,
    bandPad,
    items,
    compressed: breaks.length > 0,
    pxPerMs: round(pxPerMs * 1000) / 1000,
  };
}

/** Drop ticks that would print on top of the previous one. */
function thinTicks(ticks: Tick[], minGap: number): Tick[] {
  const out: Tick[] = [];
  for (const t of ticks) if (!out.length || t.y - out[out.length - 1].y >= minGap) out.push(t);
  return out;
}

function isStartTls(s: TraceStep): boolean {
  return s.kind === 'message' && s.layer === 'smtp' && s.name.toUpperCase() === 'STARTTLS';
}

/** Runs of consecutive `tls` and `smtp-tls` steps; a TLS run after a STARTTLS command nests under it. */
export function bandsOf(steps: readonly TraceStep[]): Band[] {
  const bands: Band[] = [];
  let lastStartTls: string | undefined;
  steps.forEach((s, i) => {
    if (isStartTls(s)) lastStartTls = s.id;
    if (s.phase !== 'tls' && s.phase !== 'smtp-tls') return;
    const open = bands[bands.length - 1];
    if (open && open.kind === s.phase && open.last === i - 1) {
      open.last = i;
      return;
    }
    bands.push({ kind: s.phase, first: i, last: i, ...(s.phase === 'tls' && lastStartTls ? { parent: lastStartTls } : {}) });
  });
  return bands;
}

/** Width of a lane title, for components that place it (CJK-aware, no DOM). */
export { textWidth };
