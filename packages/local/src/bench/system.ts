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
    const before = new Map(stack.dynamoCalls);
    const latencies: number[] = [];
    let next = 0;
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
    latencies.sort((a, b) => a - b);
    report('submit over HTTP (local stack)', {
      tickets,
      concurrency,
      acceptedPerSec: Math.round(tickets / (accepted / 1000)),
      p50ms: percentile(latencies, 50),
      p99ms: percentile(latencies, 99),
    });
    report('submit -> routed, projected, SLA', { ticketsPerSec: Math.round(tickets / (routed / 1000)) });
    const perTicket = Object.fromEntries(
      [...stack.dynamoCalls]
        .map(([op, n]) => [op, (n - (before.get(op) ?? 0)) / tickets])
        .filter(([, n]) => (n as number) > 0),
    );
    report('DynamoDB calls per ticket', perTicket as Record<string, number>);
  }
}
