/**
 * The animation of the newest arrow: a progress from 0 to 1, eased by d3-ease, driven by
 * requestAnimationFrame; the arrow's end is interpolated by d3-interpolate (loaded after the first
 * paint: it is not needed to show a run) and Svelte renders it. With `prefers-reduced-motion:
 * reduce` there is no animation: progress is 1 at once, the same picture.
 */
import { easeCubicOut } from 'd3-ease';

type Lerp = (a: number, b: number) => (t: number) => number;

export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export class ArrowMotion {
  /** Id of the step being drawn, or null. */
  id: string | null = $state(null);
  progress = $state(1);
  /** d3-interpolate's interpolateNumber, once loaded; until then arrows appear whole. */
  lerp: Lerp | null = $state.raw(null);
  #frame = 0;

  /** Load the interpolator (call once the page is up). */
  async load(): Promise<void> {
    if (this.lerp) return;
    try {
      const { interpolateNumber } = await import('d3-interpolate');
      this.lerp = interpolateNumber;
    } catch {
      // Offline and not cached: the diagram simply does not animate.
    }
  }

  start(id: string, durationMs: number): void {
    this.stop();
    if (!this.lerp || prefersReducedMotion() || durationMs <= 0 || typeof requestAnimationFrame !== 'function') {
      this.id = null;
      this.progress = 1;
      return;
    }
    this.id = id;
    this.progress = 0;
    const t0 = performance.now();
    const tick = (now: number) => {
      const t = Math.min(1, (now - t0) / durationMs);
      this.progress = easeCubicOut(t);
      if (t < 1) this.#frame = requestAnimationFrame(tick);
      else {
        this.#frame = 0;
        this.id = null;
      }
    };
    this.#frame = requestAnimationFrame(tick);
  }

  stop(): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.id = null;
    this.progress = 1;
  }
}
