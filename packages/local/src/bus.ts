import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Subscription } from '@psa/contracts/wiring';
import type { DurableDeliveryQueue } from './durable/delivery-queue.ts';
import type { DeliveryPolicy, NewDelivery } from './durable/delivery-store.ts';
import { compilePattern } from './event-pattern.ts';

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
  Resources?: string[];
}

/** The event a rule target receives (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html). */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

/**
 * Faults a chaos run injects at the bus (`PSA_CHAOS`, see chaos/injector.ts); none otherwise.
 * EventBridge delivers at least once and in no guaranteed order, and PutEvents can fail.
 */
export interface BusChaos {
  /** Whether to refuse an entry now (an outage): it is answered as a failed entry, not accepted. */
  refuses(): boolean;
  /** The deliveries to record for what was accepted: some twice, some held back (reordered). */
  shape(deliveries: NewDelivery[]): NewDelivery[];
  /** Sees the accepted events before they are recorded (the chaos journal archives them). */
  accepted(envelopes: readonly EventEnvelope[]): void;
}

/** A request EventBridge would refuse (400); anything else is the bus's own fault (500). */
class BadRequest extends Error {}

/**
 * The local EventBridge: an HTTP endpoint speaking the PutEvents API (so services publish with
 * the real EventBridge client) and a router that matches every event against the same
 * SUBSCRIPTIONS the CDK app turns into rules, with the same pattern semantics. Like EventBridge,
 * it answers PutEvents only once the event is durably accepted: one delivery per matching rule
 * target is recorded in the durable delivery queue (under the data folder) before the answer,
 * and is delivered, retried and dead-lettered with the wiring's ASYNC_DELIVERY policy, across
 * restarts and crashes, with the envelope EventBridge delivers.
 */
export class LocalEventBus {
  private readonly subscriptions: { sub: Subscription; matches: (e: unknown) => boolean }[];
  private readonly queue: DurableDeliveryQueue;
  private readonly policy: DeliveryPolicy;
  private readonly chaos: BusChaos | undefined;
  private server: Server | undefined;

  constructor(opts: {
    subscriptions: readonly Subscription[];
    queue: DurableDeliveryQueue;
    /** How each target's delivery is retried and dead-lettered. */
    policy: DeliveryPolicy;
    chaos?: BusChaos;
  }) {
    this.subscriptions = opts.subscriptions.map((sub) => {
      const compiled = compilePattern(sub.pattern);
      return { sub, matches: (e: unknown) => compiled.matches(e) };
    });
    this.queue = opts.queue;
    this.policy = opts.policy;
    this.chaos = opts.chaos;
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then((body) => {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(body));
        })
        .catch((err: Error) => {
          const bad = err instanceof BadRequest || err instanceof SyntaxError;
          res.writeHead(bad ? 400 : 500, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(
            JSON.stringify({
              __type: bad ? 'ValidationException' : 'InternalException',
              message: err.message,
            }),
          );
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stops the endpoint; what it accepted stays in the delivery queue. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Resolves once every accepted delivery is done (tests and benchmarks wait on it). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async handle(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = req.headers['x-amz-target'];
    if (target !== 'AWSEvents.PutEvents') throw new BadRequest(`unsupported operation ${String(target)}`);
    const { Entries = [] } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      Entries?: PutEventsEntry[];
    };
    const deliveries: NewDelivery[] = [];
    const accepted: EventEnvelope[] = [];
    let failed = 0;
    const results = Entries.map((entry) => {
      if (this.chaos?.refuses()) {
        failed++;
        return {
          ErrorCode: 'InternalFailure',
          ErrorMessage: 'the event bus is unavailable (injected outage)',
        };
      }
      const id = crypto.randomUUID();
      const time = entry.Time
        ? new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time).toISOString()
        : new Date().toISOString();
      const envelope: EventEnvelope = {
        version: '0',
        id,
        'detail-type': entry.DetailType ?? '',
        source: entry.Source ?? '',
        account: '000000000000',
        time: time.replace(/\.\d{3}Z$/, 'Z'),
        region: 'us-east-1',
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail ?? '{}') as unknown,
      };
      accepted.push(envelope);
      for (const { sub, matches } of this.subscriptions) {
        if (matches(envelope))
          deliveries.push({
            lane: sub.id,
            functionId: sub.functionId,
            payload: envelope,
            policy: this.policy,
          });
      }
      return { EventId: id };
    });
    // Archived first: what is accepted is always in the archive (a crash in between archives an
    // event the publisher was never told was accepted; it publishes it again).
    this.chaos?.accepted(accepted);
    // All entries of the request in one transaction: on disk before the answer, or refused.
    this.queue.enqueue(this.chaos ? this.chaos.shape(deliveries) : deliveries);
    return { FailedEntryCount: failed, Entries: results };
  }
}
