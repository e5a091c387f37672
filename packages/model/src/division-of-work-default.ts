import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { DivisionOfWorkInput } from './division-of-work.ts';

/**
 * The division of work that ships (DESIGN.md "The default that ships"): America/New_York,
 * internal Mon-Fri 08:00-17:00 with US federal holidays, partner 24x7x365, the 11 workloads.
 *
 * Kept once, as the commented YAML a user reads and edits (`docs/division-of-work.example.yaml`);
 * this module only loads it. The local runtime seeds the demo tenant with it and the tests build
 * on it; no deployed function imports this module.
 */
const SOURCE = new URL('../../../docs/division-of-work.example.yaml', import.meta.url);
const DEMO_TENANT = 'acme';

let text: string | undefined;

/**
 * The shipped default for a tenant: the demo tenant's document with the tenant id, its name and
 * the `acme.example` addresses (support address, VIPs, alert senders) made the tenant's own.
 * A fresh object on every call.
 */
export function defaultDivisionOfWork(tenantId = DEMO_TENANT, name = 'Acme Corp'): DivisionOfWorkInput {
  text ??= readFileSync(SOURCE, 'utf8');
  const source =
    tenantId === DEMO_TENANT ? text : text.replaceAll(`${DEMO_TENANT}.example`, `${tenantId}.example`);
  return { ...(parse(source) as DivisionOfWorkInput), tenantId, name };
}
