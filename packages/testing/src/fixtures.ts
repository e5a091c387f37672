import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { ensureTable } from '@psa/aws/table-admin';
import type { Ticket } from '@psa/model/ticket';
import dynalite from 'dynalite';

/**
 * For adapter and use-case tests: a fresh in-memory dynalite with the real table layout, and a
 * real document client pointed at it. Each call gets its own server, so tests never share state.
 */
export async function startTestTable(): Promise<{
  doc: DynamoDBDocumentClient;
  tableName: string;
  endpoint: string;
  stop: () => Promise<void>;
}> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const tableName = 'psa-test';
  await ensureTable(new DynamoDBClient(config), tableName);
  const doc = createDocumentClient(config);
  return {
    doc,
    tableName,
    endpoint,
    stop: async () => {
      doc.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let ticketSeq = 0;

/**
 * A ticket as intake stores it on receipt (not routed yet), for tests; every field can be
 * overridden, so a routed or resolved ticket is this plus the fields that differ.
 */
export function ticketFixture(over: Partial<Ticket> = {}): Ticket {
  const number = 1000 + ++ticketSeq;
  const receivedAt = over.receivedAt ?? new Date().toISOString();
  return {
    tenantId: 'acme',
    id: crypto.randomUUID(),
    number,
    key: `ACME-${number}`,
    subject: 's',
    body: 'b',
    channel: 'api',
    requester: { email: 'a@acme.example' },
    requestedPriority: null,
    status: 'new',
    owner: null,
    workload: null,
    priority: null,
    afterHours: null,
    routing: null,
    handleMinutes: null,
    receivedAt,
    updatedAt: receivedAt,
    firstRespondedAt: null,
    resolvedAt: null,
    history: [],
    replyTo: null,
    occurrences: 1,
    handoffs: [],
    version: 1,
    ...over,
  };
}
