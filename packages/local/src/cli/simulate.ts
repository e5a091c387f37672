import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { DynamoTicketStore } from '@psa/aws/dynamo-ticket-store';
import { systemClock } from '@psa/model/clock';
import { PsaError, ValidationError } from '@psa/model/errors';
import { parseDocumentText } from '@psa/routing/document';
import { DEFAULT_LOOKBACK_DAYS } from '@psa/routing/replay-load';
import { MONTH_RE, simulateMonth } from '@psa/routing/simulate';
import { defaultDataDir } from '../config.ts';
import { readEndpoints } from '../endpoints.ts';

const USAGE =
  'usage: psa simulate --tenant <id> --month YYYY-MM --proposal FILE(.yaml|.json) [--data-dir D]\n' +
  '                    [--backlog actual|replayed] [--max-changes N] [--lookback-days N]\n';

/**
 * `psa simulate`: replay a month of the local runtime's tickets through a proposed division of
 * work and print the report as one JSON document (the same report `POST …/division-of-work/simulate`
 * answers). Reads the runtime's DynamoDB through `$PSA_DATA_DIR/endpoints.json`; writes nothing.
 * Exit codes: 0 report printed, 1 invalid proposal or unreachable runtime, 2 usage.
 */
export async function main(
  args: string[],
  out: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
  err: (text: string) => void = (t) => process.stderr.write(`${t}\n`),
): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args,
      options: {
        tenant: { type: 'string' },
        month: { type: 'string' },
        proposal: { type: 'string' },
        'data-dir': { type: 'string', default: defaultDataDir() },
        backlog: { type: 'string', default: 'actual' },
        'max-changes': { type: 'string' },
        'lookback-days': { type: 'string', default: String(DEFAULT_LOOKBACK_DAYS) },
      },
    }).values as Record<string, string | undefined>;
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { tenant, month, proposal, backlog } = values;
  const maxChanges = values['max-changes'] === undefined ? undefined : Number(values['max-changes']);
  const lookbackDays = Number(values['lookback-days']);
  if (
    !tenant ||
    !month ||
    !MONTH_RE.test(month) ||
    !proposal ||
    (backlog !== 'actual' && backlog !== 'replayed') ||
    (maxChanges !== undefined && !(Number.isInteger(maxChanges) && maxChanges >= 0)) ||
    !(Number.isInteger(lookbackDays) && lookbackDays >= 0)
  ) {
    err(USAGE);
    return 2;
  }

  let document: unknown;
  try {
    const format = ['.json'].includes(extname(proposal).toLowerCase()) ? 'json' : 'yaml';
    document = parseDocumentText(await readFile(proposal, 'utf8'), format, 'proposal');
  } catch (e) {
    return fail(e, err);
  }

  const dataDir = values['data-dir']!;
  let endpoints: Awaited<ReturnType<typeof readEndpoints>>;
  try {
    endpoints = await readEndpoints(dataDir);
  } catch {
    err(`no endpoints.json in ${dataDir}: start the local runtime first (npm start), or pass --data-dir`);
    return 1;
  }
  // The runtime's emulator, by explicit configuration: nothing in the environment changes.
  const doc = createDocumentClient({
    endpoint: endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const report = await simulateMonth(
      {
        tenantId: tenant,
        month,
        proposal: document,
        backlog,
        ...(maxChanges !== undefined ? { maxChanges } : {}),
      },
      {
        tickets: new DynamoTicketStore(doc, endpoints.table),
        tenants: new DynamoTenantStore(doc, endpoints.table),
        clock: systemClock,
      },
      // An operator on the machine may replay as much as it takes; the API caps what one request reads.
      { lookbackDays, maxTickets: Number.POSITIVE_INFINITY, monthPath: 'month' },
    );
    out(JSON.stringify(report, null, 2));
    return 0;
  } catch (e) {
    return fail(e, err);
  } finally {
    doc.destroy();
  }
}

function fail(e: unknown, err: (text: string) => void): number {
  if (e instanceof PsaError) {
    const issues = e instanceof ValidationError ? e.issues : [];
    err(
      JSON.stringify({ error: { code: e.code, message: e.message, ...(issues.length ? { issues } : {}) } }),
    );
    return 1;
  }
  const io = e as NodeJS.ErrnoException;
  if (io.code === 'ENOENT' || io.code === 'EISDIR' || io.code === 'EACCES') {
    err(`cannot read ${io.path ?? 'the proposal'}: ${io.code}`);
    return 1;
  }
  // Typically a stale endpoints.json: the runtime it names is not running.
  err(`simulate failed: ${io.message ?? String(e)}`);
  return 1;
}
