import type { SlaClockStore } from '@psa/model/sla-clock';
import { RecordingBus, RecordingLogger, RecordingMailer } from '@psa/testing/fakes';
import { startTestStores, type TestStores } from '@psa/testing/stores';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialClocks } from '../src/domain/clocks.ts';
import { sweepDueClocks } from '../src/domain/sweep.ts';
import type { SlaDeps } from '../src/domain/sync-clocks.ts';
import { acmeDivisionOfWork, routedTicket } from './fixtures.ts';

let stores: TestStores;
let deps: SlaDeps;

beforeEach(async () => {
  stores = await startTestStores({ at: '2026-11-23T15:00:00.000Z' });
  deps = {
    tickets: stores.tickets,
    tenants: stores.tenants,
    sla: stores.sla,
    outbox: stores.outbox,
    bus: new RecordingBus(),
    mailer: new RecordingMailer(),
    clock: stores.clock,
    logger: new RecordingLogger(),
  };
});
afterEach(() => stores.stop());

/** The SLA store, refusing to write any clock (a throttled table): stuck clocks cannot even be put off. */
const refusingWrites = (sla: SlaClockStore): SlaClockStore =>
  Object.assign(Object.create(sla) as SlaClockStore, {
    saveClock: async () => {
      throw new Error('ProvisionedThroughputExceededException');
    },
  });

describe('the sweep’s lag behind its watermark (the SlaSweepLag metric)', () => {
  it('is 0 while the sweep keeps up, and grows while a window cannot be drained', async () => {
    expect((await sweepDueClocks(deps)).lagSeconds).toBe(0);

    // A clock whose ticket is gone, due at 15:05Z in the 15:00 window, that cannot be put off.
    const ghost = routedTicket({
      owner: 'partner',
      workload: 'connectivity',
      priority: 'P1',
      receivedAt: '2026-11-23T14:50:00.000Z',
    });
    for (const c of initialClocks(ghost, acmeDivisionOfWork(), new Date(ghost.receivedAt))) {
      await deps.sla.saveClock(c, []);
    }
    stores.clock.set('2026-11-23T17:30:00.000Z');
    const stuck = await sweepDueClocks({ ...deps, sla: refusingWrites(deps.sla) });
    // The newest window it may drain starts at 17:00 (17:30 less the 10-minute settle time, in the
    // emulated table's hour-wide windows); the watermark stays at the 15:00 window.
    expect(stuck.lagSeconds).toBe(2 * 3600);

    // Once the clock can be put off, the watermark catches up.
    expect((await sweepDueClocks(deps)).lagSeconds).toBe(0);
  });
});
