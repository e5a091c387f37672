import { type PersonRole, roleOf } from '@psa/model/people';
import type { TenantStore } from '@psa/model/ports';

/** Someone the local provider may sign in: their tenant and the role that tenant assigns them. */
export interface Person {
  tenant: string;
  email: string;
  role: PersonRole;
}

/**
 * Looks an address up in every tenant's `people` section (tenants in a stable order: the first
 * that knows the address wins). Null when no tenant knows it: the sign-in page refuses it.
 */
export async function findPerson(tenants: TenantStore, email: string): Promise<Person | null> {
  const address = email.trim().toLowerCase();
  for (const tenant of (await tenants.listTenants()).sort()) {
    const doc = await tenants.getDivisionOfWork(tenant);
    const role = doc ? roleOf(doc.people, address) : null;
    if (role) return { tenant, email: address, role };
  }
  return null;
}

/** The account id the provider keeps for a person (the token's `sub`): tenant and address. */
export const accountIdOf = (person: Pick<Person, 'tenant' | 'email'>) => `${person.tenant}/${person.email}`;

export function parseAccountId(accountId: string): { tenant: string; email: string } | null {
  const slash = accountId.indexOf('/');
  return slash > 0 ? { tenant: accountId.slice(0, slash), email: accountId.slice(slash + 1) } : null;
}
