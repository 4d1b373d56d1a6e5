import { describe, expect, it, vi } from 'vitest';
import { AppControl, DEFAULT_VIEW, type AppCommand } from './control.svelte.ts';

describe('AppControl', () => {
  it('queues commands sent before the app connects and delivers them in order', () => {
    const control = new AppControl();
    control.send({ type: 'next' });
    control.send({ type: 'seek', step: 4 });
    const got: AppCommand[] = [];
    const disconnect = control.connect((c) => got.push(c));
    control.send({ type: 'play' });
    expect(got).toEqual([{ type: 'next' }, { type: 'seek', step: 4 }, { type: 'play' }]);
    disconnect();
    control.send({ type: 'pause' });
    expect(got).toHaveLength(3);
  });

  it('delivers events to their listeners only, until they unsubscribe; a throwing listener does not stop the others', () => {
    const control = new AppControl();
    const a = vi.fn();
    const b = vi.fn(() => {
      throw new Error('listener bug');
    });
    const c = vi.fn();
    const offA = control.on('stepchange', a);
    const offB = control.on('stepchange', b);
    control.on('ended', c);
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    control.emit('stepchange', { index: 1, total: 3, detail: 'wire', id: 's0', name: 'EHLO' });
    expect(a).toHaveBeenCalledWith({ index: 1, total: 3, detail: 'wire', id: 's0', name: 'EHLO' });
    expect(b).toHaveBeenCalledTimes(1);
    expect(c).not.toHaveBeenCalled();
    expect((reported.mock.calls[0][0] as Error).message).toBe('listener bug');
    vi.unstubAllGlobals();
    offA();
    offB();
    control.emit('stepchange', { index: 2, total: 3, detail: 'wire', id: 's1', name: 'QUIT' });
    expect(a).toHaveBeenCalledTimes(1);
  });

  it('the view starts from the defaults and takes partial updates', () => {
    const control = new AppControl({ controls: 'none', from: 2 });
    expect(control.view).toEqual({ ...DEFAULT_VIEW, controls: 'none', from: 2 });
    control.update({ to: 9, from: undefined });
    expect(control.view).toEqual({ ...DEFAULT_VIEW, controls: 'none', from: 2, to: 9 });
  });
});
