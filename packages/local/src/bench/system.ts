import { signToken } from '@psa/http/auth';
import { providerSigningKey } from '../oidc/keys.ts';
import { API_AUDIENCE } from '../oidc/provider.ts';
import type { LocalStack } from '../stack.ts';
import { percentile, report } from './stats.ts';

/**
 * End to end on the local runtime: tickets submitted over HTTP until each is routed (decision
 * stored, queue message sent, TicketRouted projected). Measures accept latency and throughput.
 */
export async function benchSystem(
  { stack, dataDir }: { stack: LocalStack; dataDir: string },
  tickets = 300,
  concurrency = 8,
): Promise<void> {
  {
    const token = await signToken(
      await providerSigningKey(dataDir),
      { tenant: 'acme', role: 'internal', email: 'it@acme.example' },
      { issuer: stack.endpoints.issuer, audience: API_AUDIENCE },
    );
    await stack.bus.idle();
    const before = await stack.dynamoCallBreakdown();
    const latencies: number[] = [];
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < tickets) {
          const i = next++;
          const s = performance.now();
          const res = await fetch(`${stack.endpoints.http}/v1/tenants/acme/tickets`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              subject: i % 2 ? 'VPN keeps dropping' : 'Laptop screen cracked',
              body: 'bench ticket',
              requester: { email: `user${i % 20}@acme.example` },
            }),
          });
          if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
          latencies.push(performance.now() - s);
        }
      }),
    );
    const accepted = performance.now() - t0;
    await stack.bus.idle();
    const routed = performance.now() - t0;
    // The whole process (functions, emulator threads): what a ticket costs however loaded the machine.
    const cpu = process.cpuUsage(cpu0);
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    const throughput = tickets / (routed / 1000);
    report('submit over HTTP (local stack)', {
      tickets,
      concurrency,
      acceptedPerSec: Math.round(tickets / (accepted / 1000)),
      p50ms: percentile(latencies, 50),
      p99ms: p99,
      goal: `p99 <= ${GOALS.acceptP99Ms} ms`,
      met: p99 <= GOALS.acceptP99Ms ? 'yes' : 'NO',
    });
    report('submit -> routed, projected, SLA', {
      ticketsPerSec: Math.round(throughput),
      cpuMsPerTicket: (cpu.user + cpu.system) / 1000 / tickets,
      goal: `>= ${GOALS.ticketsPerSec}/s`,
      met: throughput >= GOALS.ticketsPerSec ? 'yes' : 'NO',
    });
    reportCalls(before, await stack.dynamoCallBreakdown(), tickets);
  }
}

/** The issue's goals for the local stack and a ticket's DynamoDB calls. */
export const GOALS = { ticketsPerSec: 60, acceptP99Ms: 100, callsPerTicket: 10, writesPerTicket: 5 };

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
/** Calls of the schedules (sweep, reconciler, monthly relief): not a ticket's, listed apart. */
const SCHEDULED =
  /sweep mark|SLA due index|outbox index|tenant registry|tenant RELIEF|tenant BACKLOG|Query month fact/;

/**
 * A ticket's DynamoDB calls, intake to projection: the total and the writes against the goals,
 * then each call by operation and record, per ticket (what the README's table justifies).
 */
function reportCalls(before: Map<string, number>, after: Map<string, number>, tickets: number): void {
  const perTicket = [...after]
    .map(([call, n]) => [call, (n - (before.get(call) ?? 0)) / tickets] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const mine = perTicket.filter(([call]) => !SCHEDULED.test(call));
  const calls = mine.reduce((sum, [, n]) => sum + n, 0);
  const writes = mine.filter(([call]) => WRITES.has(call.split(' ')[0]!)).reduce((sum, [, n]) => sum + n, 0);
  const byOperation = new Map<string, number>();
  for (const [call, n] of mine) {
    const op = call.split(' ')[0]!;
    byOperation.set(op, (byOperation.get(op) ?? 0) + n);
  }
  report('DynamoDB calls per ticket', {
    calls,
    writes,
    goal: `<= ${GOALS.callsPerTicket} calls, <= ${GOALS.writesPerTicket} writes`,
    met: calls <= GOALS.callsPerTicket && writes <= GOALS.writesPerTicket ? 'yes' : 'NO',
    ...Object.fromEntries(byOperation),
  });
  for (const [call, n] of mine) console.log(`  ${call.padEnd(70)} ${n.toFixed(2)}`);
  const scheduled = perTicket.filter(([call]) => SCHEDULED.test(call));
  if (scheduled.length > 0)
    console.log(
      `  (schedules meanwhile, not counted: ${scheduled.map(([c, n]) => `${c} ${(n * tickets).toFixed(0)}`).join(', ')})`,
    );
}
