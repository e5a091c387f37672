import { DynamoOutboxStore, itemKeyOf } from '@psa/aws/dynamo-outbox';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { StaleWriteError } from '@psa/model/errors';
import type { Ticket } from '@psa/model/ticket';
import { startTestTable, ticketFixture } from '@psa/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let table: Awaited<ReturnType<typeof startTestTable>>;
beforeAll(async () => {
  table = await startTestTable();
});
afterAll(() => table.stop());

const ticket = (over: Partial<Ticket> = {}): Ticket => ticketFixture({ number: 1, key: 'ACME-1', ...over });

describe('DynamoTicketStore against dynalite', () => {
  it('refuses a write based on a stale version', async () => {
    const store = new DynamoTicketStore(table.doc, table.tableName);
    const t = ticket();
    await store.create(t, []);
    await store.update({ ...t, subject: 'first', version: 2 }, []);
    await expect(store.update({ ...t, subject: 'second', version: 2 }, [])).rejects.toBeInstanceOf(
      StaleWriteError,
    );
    expect((await store.get('acme', t.id))?.subject).toBe('first');
  });

  it('keeps open tickets in the open index per owner and drops them when resolved', async () => {
    const store = new DynamoTicketStore(table.doc, table.tableName);
    const t = ticket({ tenantId: 'openidx', owner: 'internal', priority: 'P3' });
    await store.create(t, []);
    expect(await store.countOpen('openidx', 'internal')).toBe(1);
    await store.update({ ...t, status: 'resolved', version: 2 }, []);
    expect(await store.countOpen('openidx', 'internal')).toBe(0);
    expect(await store.listOpen('openidx', 'internal')).toEqual([]);
  });

  it('lists only partner-visible tickets for a partner scope, newest first, across pages', async () => {
    const store = new DynamoTicketStore(table.doc, table.tableName);
    const owners = ['partner', 'internal', 'triage', 'partner', 'internal'] as const;
    for (const [i, owner] of owners.entries()) {
      await store.create(
        ticket({ tenantId: 'paging', owner, receivedAt: `2026-11-0${i + 1}T10:00:00.000Z` }),
        [],
      );
    }
    const first = await store.list({ tenantId: 'paging', owner: ['partner', 'triage'], limit: 2 });
    const second = await store.list({
      tenantId: 'paging',
      owner: ['partner', 'triage'],
      limit: 2,
      cursor: first.nextCursor!,
    });
    const seen = [...first.items, ...second.items];
    expect(seen.map((t) => t.owner)).toEqual(['partner', 'triage', 'partner']);
    expect(seen.map((t) => t.receivedAt.slice(0, 10))).toEqual(['2026-11-04', '2026-11-03', '2026-11-01']);
  });
});

describe('the outbox', () => {
  it('lists records with undelivered entries until they are cleared', async () => {
    const store = new DynamoTicketStore(table.doc, table.tableName);
    const outbox = new DynamoOutboxStore(table.doc, table.tableName);
    const t = ticket({ tenantId: 'outbox' });
    const entry = { id: 'e1', kind: 'event' as const, event: { source: 's', detailType: 'd', detail: {} } };
    const ref = await store.create(t, [entry]);
    expect(itemKeyOf(ref)).toEqual({ pk: `T#outbox#K#${t.id}`, sk: 'TICKET' });
    const later = new Date(Date.now() + 60_000);
    const pending = (await outbox.listPending(later, 100)).filter((p) => p.ref === ref);
    expect(pending).toEqual([expect.objectContaining({ ref, entries: [entry] })]);
    // An update adds its own entry without dropping the undelivered one.
    const entry2 = { ...entry, id: 'e2' };
    expect(await store.update({ ...t, version: 2 }, [entry2])).toBe(ref);
    const both = (await outbox.listPending(later, 100)).find((p) => p.ref === ref);
    expect(both?.entries.map((e) => e.id).sort()).toEqual(['e1', 'e2']);
    await outbox.clear(ref, ['e1', 'e2']);
    expect((await outbox.listPending(later, 100)).filter((p) => p.ref === ref)).toEqual([]);
  });
});
