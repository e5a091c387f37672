import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { main as demo } from '@psa/local/cli/demo';
import { previousMonth } from '@psa/model/month';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  mintToken,
  newDataDir,
  type RunningSystem,
  removeDataDir,
  startSystem,
} from './support/system.ts';

/**
 * `psa demo` on a fresh data folder, small: a month of tickets through the real intake, then the
 * runtime as `npm start` runs it shows them in the relief reports.
 */
let dataDir: string;
let system: RunningSystem | undefined;
let printed: Record<string, number | string> = {};

beforeAll(async () => {
  dataDir = await newDataDir();
  const lines: string[] = [];
  expect(
    await demo(['--months', '1', '--per-day', '1', '--seed', 'e2e', '--data-dir', dataDir], (l) =>
      lines.push(l),
    ),
  ).toBe(0);
  printed = JSON.parse(lines.at(-1)!);
  system = await startSystem(dataDir);
}, 300_000);

afterAll(async () => {
  await system?.stop();
  await removeDataDir(dataDir);
});

describe('psa demo', () => {
  it('fills the months with tickets by web and mail, alerts, resolutions, ratings and the pulse', async () => {
    expect(printed).toMatchObject({ tickets: expect.any(Number), byMail: expect.any(Number) });
    expect(printed.tickets).toBeGreaterThan(10);
    expect(printed.byMail).toBeGreaterThan(0);
    expect(printed.alerts).toBeGreaterThan(0);
    expect(printed.resolved).toBeGreaterThan(0);
    expect(printed.ratings).toBeGreaterThan(0);
    expect(printed.pulse).toBe(1);
  });

  it('leaves reports with something in every measure, and the closed month’s digest in the outbox', async () => {
    const boss = api(
      system!.endpoints.http,
      await mintToken(dataDir, ['--tenant', 'acme', '--role', 'leadership', '--email', 'coo@acme.example']),
    );
    const from = String(printed.from).slice(0, 7);
    const to = String(printed.to).slice(0, 7);
    // A month back is the previous month, or (on the 31st) the start of this one.
    const months = [...new Set([from, to])];
    const reports = await Promise.all(
      months.map(async (m) => (await boss.get(`/v1/tenants/acme/reports/relief?month=${m}`)).body),
    );
    const sum = (f: (r: (typeof reports)[number]) => number) => reports.reduce((n, r) => n + f(r), 0);
    expect(sum((r) => r.totalTickets)).toBe(Number(printed.tickets) + Number(printed.alerts));
    expect(sum((r) => r.ticketsByOwner.partner)).toBeGreaterThan(0);
    expect(sum((r) => r.ticketsByOwner.internal)).toBeGreaterThan(0);
    expect(sum((r) => r.afterHoursTickets)).toBeGreaterThan(0);
    expect(sum((r) => r.alertQuality.folded)).toBeGreaterThan(0);
    expect(sum((r) => r.satisfaction.count)).toBe(Number(printed.ratings));
    expect(sum((r) => r.pulse.count)).toBe(1);
    // Every month that closed on the way has its one digest (the one before the start closed at
    // the start); the month still running has none.
    const closed = [previousMonth(from), ...months.slice(0, -1)];
    const digests = (await readdir(join(dataDir, 'outbox'))).filter((f) => f.startsWith('digest.'));
    expect(digests.sort()).toEqual(closed.map((m) => `digest.${m}.acme.0_acme.example.eml`));
  });
});
