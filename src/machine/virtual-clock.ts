/**
 * The virtual clock every simulated run lives on. XState schedules its delayed events on it (it
 * implements XState's Clock), and the session driver advances it straight to the next due event,
 * so a five-minute SMTP timeout costs no real time but shows on the timeline.
 */
/** XState's Clock interface (not exported by name). */
interface Clock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class VirtualClock implements Clock {
  private current = 0;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.current;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = ++this.seq;
    this.timers.set(id, { at: this.current + Math.max(0, timeout), seq: id, fn });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  /** When the earliest pending timer is due, if any. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const t of this.timers.values()) if (min === undefined || t.at < min) min = t.at;
    return min;
  }

  /** Move the clock to the earliest due time and fire the first timer due then (in the order set). */
  fireNext(): boolean {
    let next: [number, Timer] | undefined;
    for (const entry of this.timers) {
      if (!next || entry[1].at < next[1].at || (entry[1].at === next[1].at && entry[1].seq < next[1].seq)) next = entry;
    }
    if (!next) return false;
    this.timers.delete(next[0]);
    this.current = Math.max(this.current, next[1].at);
    next[1].fn();
    return true;
  }
}
