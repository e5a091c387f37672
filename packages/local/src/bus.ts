import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Subscription } from '@psa/contracts/wiring';
import { compilePattern } from './event-pattern.ts';

export type Invoke = (functionId: string, event: unknown) => Promise<unknown>;

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
  Resources?: string[];
}

/**
 * The local EventBridge: an HTTP endpoint speaking the PutEvents API (so services publish with
 * the real EventBridge client) and an in-process router that matches every event against the
 * same SUBSCRIPTIONS the CDK app turns into rules, with the same pattern semantics, and invokes
 * the target handlers with the envelope EventBridge delivers. Like EventBridge it retries a
 * failing target with back-off, then dead-letters the event (to `dead-letters.jsonl`).
 */
export class LocalEventBus {
  private readonly subscriptions: { sub: Subscription; matches: (e: unknown) => boolean }[];
  private readonly invoke: Invoke;
  private readonly deadLetterFile: string;
  private readonly retryDelaysMs: number[];
  private readonly log: (msg: string, extra?: unknown) => void;
  private inFlight = 0;
  private readonly lanes = new Map<string, Promise<void>>();
  private waiters: (() => void)[] = [];
  private server: Server | undefined;
  readonly published: { 'detail-type': string; source: string; detail: unknown; time: string }[] = [];

  constructor(opts: {
    subscriptions: readonly Subscription[];
    invoke: Invoke;
    deadLetterFile: string;
    retryDelaysMs?: number[];
    log?: (msg: string, extra?: unknown) => void;
  }) {
    this.subscriptions = opts.subscriptions.map((sub) => {
      const compiled = compilePattern(sub.pattern);
      return { sub, matches: (e: unknown) => compiled.matches(e) };
    });
    this.invoke = opts.invoke;
    this.deadLetterFile = opts.deadLetterFile;
    this.retryDelaysMs = opts.retryDelaysMs ?? [200, 1000, 5000];
    this.log = opts.log ?? (() => {});
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req)
        .then((body) => {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(body));
        })
        .catch((err: Error) => {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: 'ValidationException', message: err.message }));
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await this.idle();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Resolves once no delivery is in flight (tests and a clean shutdown wait on it). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async handle(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = req.headers['x-amz-target'];
    if (target !== 'AWSEvents.PutEvents') throw new Error(`unsupported operation ${String(target)}`);
    const { Entries = [] } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      Entries?: PutEventsEntry[];
    };
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
      this.published.push(envelope);
      this.route(envelope);
      return { EventId: id };
    });
    return { FailedEntryCount: 0, Entries: results };
  }

  private route(envelope: Record<string, unknown>): void {
    for (const { sub, matches } of this.subscriptions) {
      if (!matches(envelope)) continue;
      this.inFlight++;
      // One delivery at a time per target, in publish order: the local runtime behaves the same on
      // every run (the router sees every earlier ticket's decision, as an operator expects),
      // which AWS does not promise but which every consumer here tolerates either way.
      const previous = this.lanes.get(sub.id) ?? Promise.resolve();
      const next = previous
        .then(() => this.deliver(sub, envelope))
        .finally(() => {
          this.inFlight--;
          if (this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
        });
      this.lanes.set(sub.id, next);
    }
  }

  private async deliver(sub: Subscription, envelope: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.invoke(sub.functionId, envelope);
        return;
      } catch (err) {
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined) {
          this.log(`dead-lettered ${String(envelope['detail-type'])} for ${sub.functionId}`, err);
          await appendFile(
            this.deadLetterFile,
            `${JSON.stringify({ subscription: sub.id, functionId: sub.functionId, error: String(err), event: envelope })}\n`,
          );
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
