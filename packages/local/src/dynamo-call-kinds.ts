/**
 * Names what a DynamoDB API request touches, from its JSON body, in the table's own terms
 * (`@psa/aws/table`'s layout): "UpdateItem rate-limit bucket", "Query open-tickets index". The
 * benchmark's per-call breakdown of a ticket is made of these names.
 */
type AttributeValue = { S?: string };
type Key = Record<string, AttributeValue | undefined>;

/** The kind of record a key (or an item) is, by its pk and sk. */
export function recordKind(key: Key | undefined): string {
  const pk = key?.pk?.S ?? '';
  const sk = key?.sk?.S ?? '';
  if (pk.startsWith('RATE#')) return 'rate-limit bucket';
  if (pk === 'SLASWEEP') return 'sweep mark';
  if (pk.startsWith('OUTBOX')) return 'outbox dead letter';
  if (pk.startsWith('ADDR#')) return 'support address';
  if (pk === 'TENANTS') return 'tenant registry';
  if (/^T#[^#]+$/.test(pk)) {
    if (sk === 'DOW#CURRENT') return 'division of work (current)';
    if (sk.startsWith('DOW#V#')) return 'division of work (version)';
    if (sk.startsWith('COUNTER#')) return 'ticket counter';
    if (sk.startsWith('MODEL#CURRENT')) return 'learned model (current)';
    if (sk.startsWith('MODEL#')) return 'learned model';
    return `tenant ${sk.split('#')[0]}`;
  }
  if (pk.includes('#K#')) {
    if (sk === 'TICKET') return 'ticket';
    if (sk.startsWith('TICKET#')) return 'ticket list entry';
    if (sk.startsWith('SLA#')) return 'SLA clock';
    if (sk.startsWith('MSG#')) return 'message';
  }
  if (pk.includes('#M#')) return 'month fact';
  if (pk.includes('#IDEM#')) return 'idempotency key';
  if (pk.includes('#MAIL#')) return 'inbound mail';
  if (pk.includes('#ALERT#')) return 'alert correlation';
  if (pk.includes('#ARL#')) return 'auto-reply count';
  if (pk.includes('#QUAR')) return 'quarantine';
  return 'other';
}

const QUERY_KINDS: Record<string, string> = {
  'tickets-v2': 'tickets index',
  'partner-v2': 'partner-visible index',
  'requester-v2': 'requester index',
  'open-v2': 'open-tickets index',
  'outbox-v2': 'outbox index',
  // The indexes those replaced, read while a deployed stage upgrades.
  gsi1: 'tickets index',
  gsi2: 'partner-visible index',
  gsi3: 'requester index',
  open: 'open-tickets index',
  due: 'SLA due index',
  outbox: 'outbox index',
  lookup: 'lookup index',
};

/** "Operation what" for one request, e.g. "GetItem ticket", "BatchGetItem ticket + SLA clock". */
export function describeCall(operation: string, body: string): string {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return operation;
  }
  switch (operation) {
    case 'GetItem':
    case 'DeleteItem':
    case 'UpdateItem':
      return `${operation} ${recordKind(input.Key as Key)}`;
    case 'PutItem':
      return `${operation} ${recordKind(input.Item as Key)}`;
    case 'Query': {
      if (typeof input.IndexName === 'string')
        return `Query ${QUERY_KINDS[input.IndexName] ?? input.IndexName}`;
      const values = (input.ExpressionAttributeValues ?? {}) as Key;
      const key: Key = { pk: values[':pk'] };
      const prefix = Object.entries(values).find(([name]) => name !== ':pk')?.[1]?.S;
      if (prefix !== undefined) key.sk = { S: prefix };
      return `Query ${recordKind(key)}${prefix === 'SLA#' ? 's' : ''}`;
    }
    case 'BatchGetItem': {
      const tables = Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: Key[] }>);
      const kinds = tables.flatMap((t) => (t.Keys ?? []).map(recordKind));
      return `BatchGetItem ${[...new Set(kinds)].sort().join(' + ')}`;
    }
    default:
      return operation;
  }
}
