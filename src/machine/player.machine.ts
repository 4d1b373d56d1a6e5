/**
 * The player: which step of a trace the learner is looking at, and whether it moves by itself.
 *
 * Theory of operation: `index` counts the steps revealed, from 0 (nothing yet: the lanes alone)
 * to `total` (the whole run). Nothing moves until the learner asks: `idle` at 0, `paused` in the
 * middle, `ended` at the end, and `playing` reveals one step per tick (1 s divided by `speed`).
 * Every move goes through `settling`, which picks the state from the index, so the states cannot
 * disagree with it. Ticks are XState delayed events, so tests run them on a simulated clock.
 *
 * An embed may lock the player to a range of the run (`from`..`to`, in the same unit as `index`):
 * then `from` plays the part of 0 and `to` the part of `total` — start, end, first, last, and
 * every jump is clamped into it. Without a range the bounds are 0 and `total`.
 */
import { assign, setup } from 'xstate';

export interface PlayerContext {
  index: number;
  total: number;
  speed: number;
  /** The range the player is locked to (0 and `total` when unlocked). */
  from: number;
  to: number;
}

/** A lock to part of the run; an absent bound means the run's own start or end. */
export interface PlayerRange {
  from?: number | null;
  to?: number | null;
}

export type PlayerEvent =
  | { type: 'player.load'; total: number; index?: number; range?: PlayerRange }
  | { type: 'player.range'; range: PlayerRange }
  | { type: 'learner.next' }
  | { type: 'learner.back' }
  | { type: 'learner.first' }
  | { type: 'learner.last' }
  | { type: 'learner.play' }
  | { type: 'learner.pause' }
  | { type: 'learner.toggle' }
  | { type: 'learner.jump'; index: number }
  | { type: 'learner.speed'; speed: number };

export const SPEEDS = [0.5, 1, 2, 4] as const;

const clamp = (i: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(Number.isFinite(i) ? i : lo)));

/** The bounds of a range within a run of `total` steps: 0 <= from <= to <= total. */
export function rangeBounds(total: number, range: PlayerRange = {}): { from: number; to: number } {
  const to = range.to === undefined || range.to === null ? total : clamp(range.to, 0, total);
  const from = range.from === undefined || range.from === null ? 0 : clamp(range.from, 0, to);
  return { from, to };
}

export const playerMachine = setup({
  types: {
    context: {} as PlayerContext,
    events: {} as PlayerEvent,
    input: {} as { total: number; index?: number; speed?: number; range?: PlayerRange },
  },
  delays: {
    tick: ({ context }) => 1000 / context.speed,
  },
  guards: {
    isAtStart: ({ context }) => context.index <= context.from,
    isAtEnd: ({ context }) => context.index >= context.to,
  },
  actions: {
    load: assign(({ event }) => {
      if (event.type !== 'player.load') return {};
      const total = Math.max(0, event.total);
      const { from, to } = rangeBounds(total, event.range);
      return { total, from, to, index: clamp(event.index ?? from, from, to) };
    }),
    setRange: assign(({ context, event }) => {
      if (event.type !== 'player.range') return {};
      const { from, to } = rangeBounds(context.total, event.range);
      return { from, to, index: clamp(context.index, from, to) };
    }),
    stepForward: assign(({ context }) => ({ index: Math.min(context.to, context.index + 1) })),
    stepBack: assign(({ context }) => ({ index: Math.max(context.from, context.index - 1) })),
    goFirst: assign(({ context }) => ({ index: context.from })),
    goLast: assign(({ context }) => ({ index: context.to })),
    jump: assign(({ context, event }) => (event.type === 'learner.jump' ? { index: clamp(event.index, context.from, context.to) } : {})),
    setSpeed: assign(({ event, context }) =>
      event.type === 'learner.speed' && Number.isFinite(event.speed) && event.speed > 0 ? { speed: Math.min(8, event.speed) } : { speed: context.speed },
    ),
    restartIfAtEnd: assign(({ context }) => (context.index >= context.to ? { index: context.from } : {})),
  },
}).createMachine({
  id: 'player',
  context: ({ input }) => {
    const { from, to } = rangeBounds(input.total, input.range);
    return { total: input.total, from, to, index: clamp(input.index ?? from, from, to), speed: input.speed ?? 1 };
  },
  initial: 'settling',
  on: {
    'player.load': { target: '.settling', actions: 'load' },
    'player.range': { target: '.settling', actions: 'setRange' },
    'learner.speed': { actions: 'setSpeed' },
    'learner.jump': { target: '.settling', actions: 'jump' },
    'learner.first': { target: '.settling', actions: 'goFirst' },
    'learner.last': { target: '.settling', actions: 'goLast' },
  },
  states: {
    settling: {
      always: [{ guard: 'isAtStart', target: 'idle' }, { guard: 'isAtEnd', target: 'ended' }, { target: 'paused' }],
    },
    idle: {
      tags: ['atStart', 'stopped'],
      on: {
        'learner.next': { target: 'settling', actions: 'stepForward' },
        'learner.play': 'playing',
        'learner.toggle': 'playing',
      },
    },
    paused: {
      tags: ['stopped'],
      on: {
        'learner.next': { target: 'settling', actions: 'stepForward' },
        'learner.back': { target: 'settling', actions: 'stepBack' },
        'learner.play': 'playing',
        'learner.toggle': 'playing',
      },
    },
    playing: {
      tags: ['moving'],
      after: {
        tick: [{ guard: 'isAtEnd', target: 'ended' }, { target: 'playing', reenter: true, actions: 'stepForward' }],
      },
      always: { guard: 'isAtEnd', target: 'ended' },
      on: {
        'learner.pause': 'settling',
        'learner.toggle': 'settling',
        'learner.next': { target: 'settling', actions: 'stepForward' },
        'learner.back': { target: 'settling', actions: 'stepBack' },
      },
    },
    ended: {
      tags: ['atEnd', 'stopped'],
      on: {
        'learner.back': { target: 'settling', actions: 'stepBack' },
        'learner.play': { target: 'playing', actions: 'restartIfAtEnd' },
        'learner.toggle': { target: 'playing', actions: 'restartIfAtEnd' },
      },
    },
  },
});
