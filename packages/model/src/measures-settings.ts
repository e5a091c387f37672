import * as z from 'zod';
import type { People } from './people.ts';

/**
 * The division of work's settings for the measures of issue 12 (the team pulse and the monthly
 * digest), kept apart from the document's schema so each stays readable.
 */

const address = (what: string) => z.email({ error: `${what} must be an email address` }).toLowerCase();

/** The monthly internal team pulse: who is asked besides the people with role internal. */
export const PulseSettingsSchema = z.object({ recipients: z.array(address('pulse recipient')).default([]) });
export type PulseSettings = z.infer<typeof PulseSettingsSchema>;

/** The monthly digest mail: who gets it (when `recipients` is absent, the people with role leadership). */
export const DigestSettingsSchema = z.object({ recipients: z.array(address('digest recipient')).optional() });
export type DigestSettings = z.infer<typeof DigestSettingsSchema>;

const withRole = (people: People, role: string) =>
  Object.entries(people.roles)
    .filter(([, r]) => r === role)
    .map(([email]) => email)
    .sort();

/** Who gets the monthly digest: `digest.recipients`, or else the people with role leadership. */
export function digestRecipients(doc: { people: People; digest: DigestSettings }): string[] {
  return doc.digest.recipients ? [...new Set(doc.digest.recipients)] : withRole(doc.people, 'leadership');
}

/** Who is asked the pulse: the people with role internal, then the tenant's extra recipients. */
export function pulseRecipients(doc: { people: People; pulse: PulseSettings }): string[] {
  return [...new Set([...withRole(doc.people, 'internal'), ...doc.pulse.recipients])].sort();
}
