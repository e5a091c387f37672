import { parseArgs } from 'node:util';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { listOutboxBacklog, type PendingRecord } from '@psa/aws/dynamo-outbox-backlog';
import type { OutboxEntry } from '@psa/model/ports';
import { defaultDataDir } from '../config.ts';
import { resolveTarget } from './targets.ts';

/** What an entry is for, without its payload (events and mail carry personal data). */
export function summarizeEntry(entry: OutboxEntry): Record<string, unknown> {
  switch (entry.kind) {
    case 'event':
      return {
        id: entry.id,
        kind: 'event',
        source: entry.event.source,
        detailType: entry.event.detailType,
        tenantId: entry.event.detail.tenantId,
        ticketId: entry.event.detail.ticketId,
      };
    case 'queue':
      return { id: entry.id, kind: 'queue', queue: entry.queue, attributes: entry.attributes };
    case 'mail':
      return { id: entry.id, kind: 'mail', messageId: entry.mail.messageId };
  }
}

export interface OutboxReport {
  /** Records with undelivered entries, and the entries they hold. */
  records: number;
  entries: number;
  oldest: string | null;
  oldestAgeSeconds: number | null;
  /** True when there were more records than `--limit`. */
  truncated: boolean;
  pending: Array<{ since: string; ageSeconds: number; record: PendingRecord['record']; entries: unknown[] }>;
}

/** The report `psa outbox` prints, from the records oldest first. */
export function outboxReport(
  records: PendingRecord[],
  truncated: boolean,
  now: Date,
  full = false,
): OutboxReport {
  const age = (since: string) => Math.max(0, Math.round((now.getTime() - Date.parse(since)) / 1000));
  const oldest = records[0]?.since ?? null;
  return {
    records: records.length,
    entries: records.reduce((n, r) => n + r.entries.length, 0),
    oldest,
    oldestAgeSeconds: oldest ? age(oldest) : null,
    truncated,
    pending: records.map((r) => ({
      since: r.since,
      ageSeconds: age(r.since),
      record: r.record,
      entries: full ? r.entries : r.entries.map(summarizeEntry),
    })),
  };
}

const USAGE =
  'usage: psa outbox [--stage NAME | --table NAME] [--limit N] [--full] [--data-dir DIR]\n' +
  '  prints what is pending in the transactional outbox, oldest first, as JSON;\n' +
  '  --full includes whole entries (event details, message bodies, mail text)\n';

/** `psa outbox`: what the reconciler still has to deliver, oldest first. */
export async function main(
  args: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  now: () => Date = () => new Date(),
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      stage: { type: 'string' },
      table: { type: 'string' },
      limit: { type: 'string', default: '1000' },
      full: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: defaultDataDir() },
    },
  });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write(USAGE);
    return 2;
  }
  const target = await resolveTarget({
    stage: values.stage,
    table: values.table,
    dataDir: values['data-dir']!,
  });
  if (!target.table) {
    process.stderr.write(`no table name in stage ${values.stage}'s outputs\n`);
    return 1;
  }
  const doc = createDocumentClient(target.dynamodb);
  try {
    const page = await listOutboxBacklog(doc, target.table, { limit });
    out(JSON.stringify(outboxReport(page.records, page.nextCursor !== null, now(), values.full), null, 2));
    return 0;
  } finally {
    doc.destroy();
  }
}
