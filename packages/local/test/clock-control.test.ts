import { localClock, setLocalClockOffset } from '@psa/model/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { clockControl } from '../src/clock-control.ts';

/** `/_local/clock`: moves the local runtime's one clock forward once the work in flight is done. */
function control() {
  const calls: string[] = [];
  let pending = Promise.resolve();
  const handler = clockControl({
    queue: { idle: () => pending.then(() => void calls.push('idle')) },
    scheduler: {
      stop: () => void calls.push('stop'),
      start: () => {
        calls.push(`start@${localClock.now().toISOString().slice(0, 16)}`);
        return ['SlaSweepEveryMinute'];
      },
    },
  });
  const post = (at: string) =>
    handler(new Request('http://local/_local/clock', { method: 'POST', body: JSON.stringify({ at }) }));
  return { calls, post, handler, hold: (p: Promise<void>) => (pending = p) };
}

afterEach(() => setLocalClockOffset(0));

describe('the local clock control', () => {
  it('waits for the work in flight, moves the clock, then fires the schedules that fell due', async () => {
    setLocalClockOffset(Date.parse('2026-11-01T00:00:00Z') - Date.now());
    const c = control();
    let release!: () => void;
    c.hold(new Promise<void>((r) => (release = r)));
    const moved = c.post('2026-11-20T10:00:00Z');
    // Nothing moves while a delivery is still running: the move waits on it.
    expect(c.calls).toEqual([]);
    expect(localClock.now().toISOString() < '2026-11-02').toBe(true);
    release();
    const res = await moved;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ fired: ['SlaSweepEveryMinute'] });
    expect(c.calls).toEqual(['idle', 'stop', 'start@2026-11-20T10:00', 'idle']);
    expect(localClock.now().toISOString().slice(0, 16)).toBe('2026-11-20T10:00');
  });

  it('never moves the clock back, and says what time it is', async () => {
    setLocalClockOffset(Date.parse('2026-11-20T10:00:00Z') - Date.now());
    const c = control();
    expect((await c.post('2026-11-01T00:00:00Z')).status).toBe(409);
    expect((await c.post('not a time')).status).toBe(400);
    const now = (await (await c.handler(new Request('http://local/_local/clock'))).json()) as { now: string };
    expect(now.now.slice(0, 13)).toBe('2026-11-20T10');
  });
});
