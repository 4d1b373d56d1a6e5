/**
 * The animation of the newest arrow: a progress from 0 to 1, eased by d3-ease, driven by
 * requestAnimationFrame. The diagram interpolates the arrow's end with d3-interpolate and Svelte
 * renders it. With `prefers-reduced-motion: reduce` there is no animation: progress is 1 at once.
 */
import { easeCubicOut } from 'd3-ease';

export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export class ArrowMotion {
  /** Id of the step being drawn, or null. */
  id: string | null = $state(null);
  progress = $state(1);
  #frame = 0;

  start(id: string, durationMs: number): void {
    this.stop();
    if (prefersReducedMotion() || durationMs <= 0 || typeof requestAnimationFrame !== 'function') {
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
