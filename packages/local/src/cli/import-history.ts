import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createDocumentClient } from '@psa/aws/dynamo-client';
import { DynamoModelStore } from '@psa/aws/dynamo-model-store';
import { DynamoTenantStore } from '@psa/aws/dynamo-tenant-store';
import { PsaError } from '@psa/model/errors';
import { importHistory } from '@psa/routing/learned';
import { defaultDataDir } from '../config.ts';
import { readEndpoints } from '../endpoints.ts';

/**
 * `psa import-history --tenant acme --file history.csv [--map Hardware=hardware,Access=m365-admin]`:
 * trains the tenant's routing model on past tickets (`text,label`) in the running local system
 * and prints what it learned as JSON. Labels map to workloads by `--map`, or by being a workload
 * id; others are learned but never route.
 *
 * It trains here, from the file, and stores the model through the table directly: no HTTP request
 * carries the CSV, so the API's 4 MiB limit on `POST division-of-work/history` (a Lambda request
 * is at most 6 MB) does not apply. Use it for a history larger than the API takes; the size is
 * bounded only by this machine's memory and the training time.
 */
export async function main(
  args: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
) {
  const { values } = parseArgs({
    args,
    options: {
      tenant: { type: 'string' },
      file: { type: 'string' },
      map: { type: 'string' },
      'data-dir': { type: 'string', default: defaultDataDir() },
    },
  });
  if (!values.tenant || !values.file) {
    process.stderr.write(
      'usage: psa import-history --tenant <id> --file <history.csv> [--map Label=workload,...]\n',
    );
    return 2;
  }
  const labelMap: Record<string, string | null> = {};
  for (const pair of (values.map ?? '').split(',').filter(Boolean)) {
    const [label, workload] = pair.split('=');
    if (!label || workload === undefined) {
      process.stderr.write(`--map entries look like Label=workload, got '${pair}'\n`);
      return 2;
    }
    labelMap[label.trim()] = workload.trim() || null;
  }
  const endpoints = await readEndpoints(values['data-dir']!);
  const config = {
    endpoint: endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const doc = createDocumentClient(config);
  try {
    const dow = await new DynamoTenantStore(doc, endpoints.table).getDivisionOfWork(values.tenant);
    if (!dow) {
      process.stderr.write(`unknown tenant '${values.tenant}'\n`);
      return 1;
    }
    const meta = await importHistory(
      { tenantId: values.tenant, csv: await readFile(values.file, 'utf8'), labelMap, now: new Date() },
      { models: new DynamoModelStore(doc, endpoints.table), dow },
    );
    out(JSON.stringify(meta));
    return 0;
  } catch (err) {
    if (err instanceof PsaError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    doc.destroy();
  }
}
