import type { BusChaos, EventEnvelope } from '../bus.ts';
import type { NewDelivery } from '../durable/delivery-store.ts';
import {
  CHAOS_OFF,
  CHAOS_SERVICES,
  type ChaosConfig,
  type ChaosService,
  watchChaosConfig,
} from './config.ts';
import { type CallFault, type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import { ChaosJournal } from './journal.ts';
import { type Random, seeded } from './prng.ts';

export interface ChaosInjector {
  /** Duplicates, reordering, outages and the event archive, for the local bus. */
  bus: BusChaos;
  /**
   * Starts a proxy in front of each AWS endpoint; returns their URLs, which the functions' SDK
   * clients are then pointed at.
   */
  proxy(upstreams: Record<ChaosService, string>): Promise<Record<ChaosService, string>>;
  close(): Promise<void>;
}

/**
 * The local runtime's fault injector (`PSA_CHAOS=<file>`; never part of anything deployed): a
 * proxy in front of each emulated AWS endpoint the functions call, and faults at the local bus,
 * as the chaos file configures them, drawn from a seeded random stream. The SDK clients keep
 * their own retries, as in AWS. Every injected fault and every event the bus accepts is written
 * to the journal (`chaos.db` in the data folder), which a chaos run audits.
 */
export function openChaos(opts: {
  file: string;
  journalFile: string;
  log: (msg: string) => void;
}): ChaosInjector {
  const journal = new ChaosJournal(opts.journalFile);
  let config: ChaosConfig = CHAOS_OFF;
  let loadedAt = Date.now();
  let random: Random = seeded('0');
  const watcher = watchChaosConfig(opts.file, (next, problem) => {
    if (problem) opts.log(problem);
    if (next.enabled !== config.enabled || next.seed !== config.seed)
      opts.log(`chaos: faults ${next.enabled ? `on (seed ${next.seed})` : 'off'}`);
    if (next.seed !== config.seed) random = seeded(next.seed);
    config = next;
    loadedAt = Date.now();
  });

  const decide = (service: ChaosService) => (): CallFault | null => {
    if (!config.enabled) return null;
    const rates = config.services[service] ?? config.calls;
    let r = random.next();
    for (const fault of ['throttle', 'error', 'timeout', 'lostResponse'] as const) {
      if (r < rates[fault]) return fault;
      r -= rates[fault];
    }
    return null;
  };

  const proxies: FaultProxy[] = [];

  const bus: BusChaos = {
    refuses() {
      if (!config.enabled) return false;
      const since = Date.now() - loadedAt;
      const out = config.bus.outages.some((o) => since >= o.startMs && since < o.startMs + o.durationMs);
      if (out) journal.fault('eventbridge', 'PutEvents', 'outage');
      return out;
    },
    shape(deliveries: NewDelivery[]): NewDelivery[] {
      if (!config.enabled) return deliveries;
      const out: NewDelivery[] = [];
      const now = Date.now();
      for (const delivery of deliveries) {
        const copies = random.chance(config.bus.duplicate) ? 2 : 1;
        if (copies > 1) journal.fault('bus', delivery.lane, 'duplicate');
        for (let i = 0; i < copies; i++) {
          if (random.chance(config.bus.reorder)) {
            journal.fault('bus', delivery.lane, 'reorder');
            out.push({ ...delivery, notBefore: now + random.int(1, Math.max(1, config.bus.reorderMaxMs)) });
          } else out.push(delivery);
        }
      }
      return out;
    },
    accepted(envelopes: readonly EventEnvelope[]) {
      journal.events(envelopes);
    },
  };

  return {
    bus,
    async proxy(upstreams) {
      const endpoints = {} as Record<ChaosService, string>;
      for (const service of CHAOS_SERVICES) {
        const proxy = await startFaultProxy({
          service,
          upstream: upstreams[service],
          decide: decide(service),
          timeoutMs: () => config.timeoutMs,
          injected: (operation, fault) => journal.fault(service, operation, fault),
        });
        proxies.push(proxy);
        endpoints[service] = proxy.url;
      }
      return endpoints;
    },
    async close() {
      watcher.close();
      await Promise.all(proxies.map((p) => p.close()));
      journal.close();
    },
  };
}
