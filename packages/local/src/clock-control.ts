import { localClock, setLocalClockOffset } from '@psa/model/clock';
import type { DurableDeliveryQueue } from './durable/delivery-queue.ts';
import type { LocalScheduler } from './scheduler.ts';

/** How long a move waits for the work in flight before it gives up with 503. */
const SETTLE_MS = 60_000;

const settled = (queue: Pick<DurableDeliveryQueue, 'idle'>) =>
  Promise.race([
    queue.idle().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), SETTLE_MS).unref()),
  ]);

/**
 * `/_local/clock` (PSA_CLOCK_CONTROL=on, local runtime only): `GET` tells the local clock;
 * `POST {at}` moves it forward to `at`. A move first waits until every delivery in flight is done,
 * so what the last request set off happens at the time it was made; then it fires the schedules
 * that fell due (the SLA sweep, the month's close, the pulse) and waits for them too. The clock
 * never goes back: SLA clocks and schedules assume time only moves forward.
 */
export function clockControl(deps: {
  queue: Pick<DurableDeliveryQueue, 'idle'>;
  scheduler: Pick<LocalScheduler, 'start' | 'stop'>;
}) {
  let moving = Promise.resolve();
  return async (req: Request): Promise<Response> => {
    if (req.method === 'GET') return Response.json({ now: localClock.now().toISOString() });
    if (req.method !== 'POST') return Response.json({ error: 'GET or POST' }, { status: 405 });
    const body = (await req.json().catch(() => null)) as { at?: unknown } | null;
    const at = typeof body?.at === 'string' ? Date.parse(body.at) : Number.NaN;
    if (Number.isNaN(at)) return Response.json({ error: 'body: {"at": "<ISO instant>"}' }, { status: 400 });
    // One move at a time, in the order asked.
    const move = moving.then(async () => {
      if (!(await settled(deps.queue))) return Response.json({ error: 'still busy' }, { status: 503 });
      const now = localClock.now().getTime();
      if (at < now) {
        return Response.json(
          { error: `the clock only moves forward; it is ${new Date(now).toISOString()}` },
          { status: 409 },
        );
      }
      setLocalClockOffset(at - Date.now());
      deps.scheduler.stop();
      const fired = deps.scheduler.start();
      const done = await settled(deps.queue);
      return Response.json({ now: localClock.now().toISOString(), fired }, { status: done ? 200 : 202 });
    });
    moving = move.then(
      () => undefined,
      () => undefined,
    );
    return move;
  };
}
