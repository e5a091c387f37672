import * as z from 'zod';

/**
 * Who signs in to the web app, and as what: the `people` section of a tenant's division of work.
 * The local OpenID provider (`npm start`) signs in exactly these people with these roles; in AWS
 * the identity provider assigns them (Cognito: a group per role and the `tenant` attribute).
 */

/** The four roles of DESIGN.md "Users and what each touches". */
export const PersonRoleSchema = z.enum(['requester', 'partner', 'internal', 'leadership']);
export type PersonRole = z.infer<typeof PersonRoleSchema>;

const DomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'requester domain must be a domain name such as acme.example');

export const PeopleSchema = z.object({
  /** Roles by address (`it-lead@acme.example: internal`); these win over `requesterDomains`. */
  roles: z
    .record(z.email({ error: 'a role is assigned to an email address' }).toLowerCase(), PersonRoleSchema)
    .default({}),
  /** Anyone else at one of these domains signs in as a requester. */
  requesterDomains: z.array(DomainSchema).default([]),
});
export type People = z.infer<typeof PeopleSchema>;

/** The role the tenant assigns `email`, or null when the tenant does not know the address. */
export function roleOf(people: People, email: string): PersonRole | null {
  const address = email.trim().toLowerCase();
  const assigned = people.roles[address];
  if (assigned) return assigned;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return address.includes('@') && people.requesterDomains.includes(domain) ? 'requester' : null;
}
