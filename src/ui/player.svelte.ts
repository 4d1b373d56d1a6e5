/**
 * The player machine as Svelte state: one actor per app instance, its snapshot mirrored in
 * `$state.raw` through `subscribe`. Components ask by tags (`moving`, `atStart`, `atEnd`), never
 * by comparing state values.
 */
import { createActor, type SnapshotFrom } from 'xstate';
import { playerMachine, type PlayerEvent, type PlayerRange } from '../machine/player.machine.ts';

export class PlayerState {
  readonly #actor = createActor(playerMachine, { input: { total: 0 } });
  snapshot: SnapshotFrom<typeof playerMachine> = $state.raw(this.#actor.getSnapshot());
  /** Called whenever the index moves, with the index it moved from (previous + 1: a Next or a tick). */
  onmove: ((index: number, previous: number) => void) | null = null;

  constructor() {
    let previous = 0;
    this.#actor.subscribe((s) => {
      const index = s.context.index;
      this.snapshot = s;
      const from = previous;
      previous = index;
      if (index !== from) this.onmove?.(index, from);
    });
    this.#actor.start();
  }

  get index(): number {
    return this.snapshot.context.index;
  }
  get total(): number {
    return this.snapshot.context.total;
  }
  /** The range the player is locked to (0 and `total` when unlocked). */
  get from(): number {
    return this.snapshot.context.from;
  }
  get to(): number {
    return this.snapshot.context.to;
  }
  get speed(): number {
    return this.snapshot.context.speed;
  }
  get moving(): boolean {
    return this.snapshot.hasTag('moving');
  }
  get atStart(): boolean {
    return this.snapshot.hasTag('atStart');
  }
  get atEnd(): boolean {
    return this.snapshot.hasTag('atEnd');
  }

  send(event: PlayerEvent): void {
    this.#actor.send(event);
  }

  /** A new trace: `total` steps, starting at `index` (a deep link's step), or at the range's start. Stops playing. */
  load(total: number, index?: number, range?: PlayerRange): void {
    this.#actor.send({ type: 'player.load', total, index, range });
  }

  /** Lock the player to part of the run (an embed's `from`/`to`). */
  lock(range: PlayerRange): void {
    this.#actor.send({ type: 'player.range', range });
  }

  stop(): void {
    this.#actor.stop();
  }
}
