/**
 * Cognito pre-token-generation trigger (event version 2): puts `tenant`, `role` and `email` into
 * the access token (and the ID token), so tokens from the user pool carry the same claims as
 * every other issuer's and the API reads one claims shape. Without it a Cognito access token has
 * neither the `custom:tenant` attribute nor the email, only `cognito:groups`.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
 *
 * The role is the user's group among the four role groups (when in several, the first of
 * ROLE_ORDER); a user without a role group or a tenant gets no claims, and the API refuses them.
 */

export const ROLE_ORDER = ['internal', 'partner', 'leadership', 'requester'] as const;

export interface PreTokenGenerationV2Event {
  version?: string;
  triggerSource?: string;
  request: {
    userAttributes: Record<string, string | undefined>;
    groupConfiguration?: { groupsToOverride?: string[] };
  };
  response: Record<string, unknown>;
}

export function tokenClaims(event: PreTokenGenerationV2Event): Record<string, string> | null {
  const attributes = event.request.userAttributes;
  const tenant = attributes['custom:tenant']?.trim();
  const groups = new Set(event.request.groupConfiguration?.groupsToOverride ?? []);
  const role = ROLE_ORDER.find((r) => groups.has(r));
  if (!tenant || !role) return null;
  const email = attributes.email_verified === 'true' ? attributes.email?.toLowerCase() : undefined;
  return { tenant, role, ...(email ? { email } : {}) };
}

export async function handler(event: PreTokenGenerationV2Event): Promise<PreTokenGenerationV2Event> {
  const claims = tokenClaims(event);
  if (claims) {
    event.response = {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: claims },
        accessTokenGeneration: { claimsToAddOrOverride: claims },
      },
    };
  }
  return event;
}
