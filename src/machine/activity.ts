/**
 * Counts asynchronous engine work in flight (WebCrypto calls are promises), so the session driver
 * only advances the virtual clock once every endpoint has finished reacting to the present.
 */
export class Activity {
  private busy = 0;
  private waiters: (() => void)[] = [];

  track<T>(work: Promise<T>): Promise<T> {
    this.busy++;
    const done = () => {
      this.busy--;
      if (this.busy === 0) {
        const w = this.waiters;
        this.waiters = [];
        // Resolve on a later microtask so that follow-up work scheduled by the results is counted.
        for (const resolve of w) queueMicrotask(resolve);
      }
    };
    work.then(done, done);
    return work;
  }

  /** Resolves once nothing is in flight (re-checking, since finished work may start more). */
  async idle(): Promise<void> {
    while (this.busy > 0) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      // Let sendBack'd events be processed and any new work be tracked.
      await Promise.resolve();
    }
  }
}
