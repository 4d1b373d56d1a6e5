/**
 * `npm run -s lab -- ...` as a user types it, in a process group of its own (npm, the shell and
 * tsx's node are three processes), so that `stop()` can end all of them by the group's id. Every
 * run has a hard timeout; call `stop()` in afterEach or finally.
 */
import { spawn } from 'node:child_process';

export interface LabProcess {
  output(): string;
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout or stderr matches; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The exit status (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startLab(args: string[], options: { timeoutMs?: number; input?: string } = {}): LabProcess {
  const child = spawn('npm', ['run', '-s', 'lab', '--', ...args], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8');
    for (const l of [...listeners]) l();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString('utf8');
    for (const l of [...listeners]) l();
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  let running = true;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running = false;
      resolve(code);
    }),
  );
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const killer = setTimeout(() => killGroup('SIGKILL'), options.timeoutMs ?? 60_000);
  void exited.then(() => clearTimeout(killer));
  return {
    output: () => out + err,
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern, waitMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out + err)) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`lab did not print ${pattern} within ${waitMs} ms; output:\n${out}${err}`));
        }, waitMs);
        const onExit = () => {
          cleanup();
          if (pattern.test(out + err)) resolve();
          else reject(new Error(`lab exited before printing ${pattern}; output:\n${out}${err}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    exited,
    async stop() {
      clearTimeout(killer);
      if (!running) return;
      killGroup('SIGTERM');
      const hard = setTimeout(() => killGroup('SIGKILL'), 2_000);
      await exited;
      clearTimeout(hard);
    },
  };
}
