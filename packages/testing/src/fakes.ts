import { Logger } from '@aws-lambda-powertools/logger';
import type { BusEvent } from '@psa/model/events';
import type {
  BlobStore,
  EventBus,
  Mailer,
  OutgoingMail,
  Queue,
  QueueMessage,
  QueueName,
} from '@psa/model/ports';

/**
 * In-memory stand-ins for the ports that leave the system (bus, queues, mail, blobs) and for the
 * logger. Each records what it was given, so a test asserts on what went out; the outbound ones
 * can be taken `down` to simulate an outage of the AWS service behind them.
 */

/** An EventBus that records every event published; `down` makes `publish` fail as EventBridge would. */
export class RecordingBus implements EventBus {
  readonly published: BusEvent[] = [];
  down = false;

  async publish(events: BusEvent[]): Promise<void> {
    if (this.down) throw new Error('bus unavailable');
    this.published.push(...events);
  }

  /** The events of one detail-type, in publish order. */
  ofType(detailType: string): BusEvent[] {
    return this.published.filter((e) => e.detailType === detailType);
  }

  /** Each event's `detail.eventId`, in publish order. */
  eventIds(): string[] {
    return this.published.map((e) => String(e.detail.eventId));
  }

  /** How many times each `detail.eventId` was published: an exactly-once check reads all 1s. */
  countsByEventId(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const id of this.eventIds()) out[id] = (out[id] ?? 0) + 1;
    return out;
  }
}

/** A Queue that records every message sent, with its queue; `down` makes `send` fail as SQS would. */
export class RecordingQueue implements Queue {
  readonly sent: { queue: QueueName; message: QueueMessage }[] = [];
  down = false;

  async send(queue: QueueName, message: QueueMessage): Promise<void> {
    if (this.down) throw new Error('queue unavailable');
    this.sent.push({ queue, message });
  }
}

/** A Mailer that records every mail sent; `down` makes `send` fail as SES would. */
export class RecordingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  down = false;

  async send(mail: OutgoingMail): Promise<void> {
    if (this.down) throw new Error('mail unavailable');
    this.sent.push(mail);
  }
}

/** A BlobStore in a Map (raw mail and attachments), keeping bytes as S3 would. */
export class MemoryBlobStore implements BlobStore {
  readonly blobs = new Map<string, Uint8Array>();

  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.blobs.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }

  async get(key: string): Promise<Uint8Array | null> {
    return this.blobs.get(key) ?? null;
  }
}

/** A Powertools logger that writes nothing, for apps and use cases whose logs a test does not read. */
export const silentLogger = (serviceName = 'psa-test'): Logger =>
  new Logger({ serviceName, logLevel: 'SILENT' });

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A logger that keeps every line, for a test that asserts on what was logged (a deferral warning). */
export class RecordingLogger implements Pick<Logger, LogLevel> {
  readonly lines: { level: LogLevel; message: string; extra: unknown[] }[] = [];

  debug(message: unknown, ...extra: unknown[]): void {
    this.lines.push({ level: 'debug', message: String(message), extra });
  }
  info(message: unknown, ...extra: unknown[]): void {
    this.lines.push({ level: 'info', message: String(message), extra });
  }
  warn(message: unknown, ...extra: unknown[]): void {
    this.lines.push({ level: 'warn', message: String(message), extra });
  }
  error(message: unknown, ...extra: unknown[]): void {
    this.lines.push({ level: 'error', message: String(message), extra });
  }

  /** The messages logged at `level`, in order. */
  messages(level: LogLevel): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}
