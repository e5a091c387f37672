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
  private server: Server | undefined;

  constructor(opts: {
    subscriptions: readonly Subscription[];
    queue: DurableDeliveryQueue;
    /** How each target's delivery is retried and dead-lettered. */
    policy: DeliveryPolicy;
  }) {
    this.subscriptions = opts.subscriptions.map((sub) => {
      const compiled = compilePattern(sub.pattern);
      return { sub, matches: (e: unknown) => compiled.matches(e) };
    });
    this.queue = opts.queue;
    this.policy = opts.policy;
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
    const results = Entries.map((entry) => {
      const id = crypto.randomUUID();
      const time = entry.Time
        ? new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time).toISOString()
        : new Date().toISOString();
      const envelope = {
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
    // All entries of the request in one transaction: on disk before the answer, or refused.
    this.queue.enqueue(deliveries);
    return { FailedEntryCount: 0, Entries: results };
  }
}
