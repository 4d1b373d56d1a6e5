import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { playerMachine, rangeBounds, type PlayerEvent } from './player.machine.ts';

const EVENTS: PlayerEvent[] = [
  { type: 'learner.next' },
  { type: 'learner.back' },
  { type: 'learner.first' },
  { type: 'learner.last' },
  { type: 'learner.play' },
  { type: 'learner.pause' },
  { type: 'learner.toggle' },
  { type: 'learner.jump', index: 2 },
  { type: 'learner.speed', speed: 2 },
];

describe('player machine', () => {
  it('reaches every state from the start by some path of learner events (model-based)', () => {
    const paths = getShortestPaths(playerMachine, { input: { total: 3 }, events: EVENTS });
    const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    for (const s of ['"idle"', '"paused"', '"playing"', '"ended"']) expect(reached).toContain(s);
  });

  it('every transition from every reachable state keeps 0 <= index <= total, and states agree with the index', () => {
    const paths = getShortestPaths(playerMachine, { input: { total: 3 }, events: EVENTS });
    const seen = new Set<string>();
    for (const path of paths) {
      for (const event of EVENTS) {
        const next = transition(playerMachine, path.state, event)[0];
        const { index, total } = next.context;
        seen.add(`${JSON.stringify(path.state.value)}:${event.type}`);
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThanOrEqual(total);
        if (next.matches('idle')) expect(index).toBe(0);
        if (next.matches('ended')) expect(index).toBe(total);
        if (next.matches('paused')) expect(index > 0 && index < total).toBe(true);
      }
    }
    expect(seen.size).toBe(4 * EVENTS.length);
  });

  it('learner events move the index as a learner expects', () => {
    const at = (index: number, event: PlayerEvent) => {
      const start = createActor(playerMachine, { input: { total: 3, index } }).start().getSnapshot();
      return transition(playerMachine, start, event)[0];
    };
    expect(at(0, { type: 'learner.next' }).context.index).toBe(1);
    expect(at(2, { type: 'learner.next' }).matches('ended')).toBe(true);
    expect(at(1, { type: 'learner.back' }).matches('idle')).toBe(true);
    expect(at(3, { type: 'learner.back' }).context.index).toBe(2);
    expect(at(2, { type: 'learner.first' }).context.index).toBe(0);
    expect(at(1, { type: 'learner.last' }).context.index).toBe(3);
    expect(at(3, { type: 'learner.play' }).context.index).toBe(0);
    expect(at(1, { type: 'learner.toggle' }).matches('playing')).toBe(true);
  });

  it('playing reveals one step per tick at the chosen speed and stops at the end', () => {
    const clock = new SimulatedClock();
    const actor = createActor(playerMachine, { input: { total: 3 }, clock }).start();
    actor.send({ type: 'learner.speed', speed: 2 });
    actor.send({ type: 'learner.play' });
    expect(actor.getSnapshot().hasTag('moving')).toBe(true);
    clock.increment(499);
    expect(actor.getSnapshot().context.index).toBe(0);
    clock.increment(1);
    expect(actor.getSnapshot().context.index).toBe(1);
    clock.increment(500);
    expect(actor.getSnapshot().context.index).toBe(2);
    clock.increment(500);
    expect(actor.getSnapshot().context.index).toBe(3);
    expect(actor.getSnapshot().matches('ended')).toBe(true);
    clock.increment(5000);
    expect(actor.getSnapshot().context.index).toBe(3);
  });

  it('nothing moves until asked: a loaded player stays put', () => {
    const clock = new SimulatedClock();
    const actor = createActor(playerMachine, { input: { total: 5, index: 2 }, clock }).start();
    clock.increment(60_000);
    expect(actor.getSnapshot().context.index).toBe(2);
    expect(actor.getSnapshot().matches('paused')).toBe(true);
  });

  it('a jump outside the run is clamped, and a garbage speed is ignored', () => {
    const actor = createActor(playerMachine, { input: { total: 4 } }).start();
    actor.send({ type: 'learner.jump', index: 99 });
    expect(actor.getSnapshot().matches('ended')).toBe(true);
    actor.send({ type: 'learner.jump', index: -3 });
    expect(actor.getSnapshot().matches('idle')).toBe(true);
    actor.send({ type: 'learner.speed', speed: Number.NaN });
    expect(actor.getSnapshot().context.speed).toBe(1);
  });

  it('a range lock makes from the start and to the end: next, back, first, last, jump and play stay inside', () => {
    const clock = new SimulatedClock();
    const actor = createActor(playerMachine, { input: { total: 10 }, clock }).start();
    actor.send({ type: 'player.load', total: 10, range: { from: 3, to: 5 } });
    const snap = () => actor.getSnapshot();
    expect(snap().context.index).toBe(3);
    expect(snap().hasTag('atStart')).toBe(true);
    actor.send({ type: 'learner.back' });
    expect(snap().context.index).toBe(3);
    actor.send({ type: 'learner.next' });
    actor.send({ type: 'learner.next' });
    expect(snap().context.index).toBe(5);
    expect(snap().matches('ended')).toBe(true);
    actor.send({ type: 'learner.next' });
    expect(snap().context.index).toBe(5);
    actor.send({ type: 'learner.jump', index: 9 });
    expect(snap().context.index).toBe(5);
    actor.send({ type: 'learner.first' });
    expect(snap().context.index).toBe(3);
    actor.send({ type: 'learner.last' });
    expect(snap().context.index).toBe(5);
    // Play at the end starts over at the range's start, then stops at its end.
    actor.send({ type: 'learner.play' });
    expect(snap().context.index).toBe(3);
    clock.increment(1000);
    clock.increment(1000);
    expect(snap().context.index).toBe(5);
    clock.increment(5000);
    expect(snap().context.index).toBe(5);
    expect(snap().matches('ended')).toBe(true);
  });

  it('a range given later clamps the index into it, and an empty range clears the lock', () => {
    const actor = createActor(playerMachine, { input: { total: 8, index: 7 } }).start();
    actor.send({ type: 'player.range', range: { from: 2, to: 4 } });
    expect(actor.getSnapshot().context).toMatchObject({ index: 4, from: 2, to: 4 });
    expect(actor.getSnapshot().matches('ended')).toBe(true);
    actor.send({ type: 'player.range', range: {} });
    expect(actor.getSnapshot().context).toMatchObject({ index: 4, from: 0, to: 8 });
    expect(actor.getSnapshot().matches('paused')).toBe(true);
  });

  it('range bounds are clamped to the run and ordered: from <= to', () => {
    expect(rangeBounds(10, { from: 4, to: 2 })).toEqual({ from: 2, to: 2 });
    expect(rangeBounds(10, { from: -5, to: 50 })).toEqual({ from: 0, to: 10 });
    expect(rangeBounds(10, { from: null, to: 6 })).toEqual({ from: 0, to: 6 });
    expect(rangeBounds(0, { from: 3, to: 4 })).toEqual({ from: 0, to: 0 });
  });
});
