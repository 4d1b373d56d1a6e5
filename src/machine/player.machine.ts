/**
 * The player: which step of a trace the learner is looking at, and whether it moves by itself.
 *
 * Theory of operation: `index` counts the steps revealed, from 0 (nothing yet: the lanes alone)
 * to `total` (the whole run). Nothing moves until the learner asks: `idle` at 0, `paused` in the
 * middle, `ended` at the end, and `playing` reveals one step per tick (1 s divided by `speed`).
 * Every move goes through `settling`, which picks the state from the index, so the states cannot
 * disagree with it. Ticks are XState delayed events, so tests run them on a simulated clock.
 */
import { assign, setup } from 'xstate';

export interface PlayerContext {
  index: number;
  total: number;
  speed: number;
}

export type PlayerEvent =
  | { type: 'player.load'; total: number; index?: number }
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

const clamp = (i: number, total: number) => Math.max(0, Math.min(total, Math.round(Number.isFinite(i) ? i : 0)));

export const playerMachine = setup({
  types: {
    context: {} as PlayerContext,
    events: {} as PlayerEvent,
    input: {} as { total: number; index?: number; speed?: number },
  },
  delays: {
    tick: ({ context }) => 1000 / context.speed,
  },
  guards: {
    isAtStart: ({ context }) => context.index === 0,
    isAtEnd: ({ context }) => context.index >= context.total,
  },
  actions: {
    load: assign(({ event }) => (event.type === 'player.load' ? { total: Math.max(0, event.total), index: clamp(event.index ?? 0, event.total) } : {})),
    stepForward: assign(({ context }) => ({ index: Math.min(context.total, context.index + 1) })),
    stepBack: assign(({ context }) => ({ index: Math.max(0, context.index - 1) })),
    goFirst: assign({ index: 0 }),
    goLast: assign(({ context }) => ({ index: context.total })),
    jump: assign(({ context, event }) => (event.type === 'learner.jump' ? { index: clamp(event.index, context.total) } : {})),
    setSpeed: assign(({ event, context }) =>
      event.type === 'learner.speed' && Number.isFinite(event.speed) && event.speed > 0 ? { speed: Math.min(8, event.speed) } : { speed: context.speed },
    ),
    restartIfAtEnd: assign(({ context }) => (context.index >= context.total ? { index: 0 } : {})),
  },
}).createMachine({
  id: 'player',
  context: ({ input }) => ({ total: input.total, index: clamp(input.index ?? 0, input.total), speed: input.speed ?? 1 }),
  initial: 'settling',
  on: {
    'player.load': { target: '.settling', actions: 'load' },
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
