/**
 * The security headers every response of the web origin carries: the local gateway sets them on
 * each response, and the CDK app's CloudFront response headers policy sets the same ones. One
 * definition, so the local CSP cannot drift from the deployed one.
 */

export interface CspOptions {
  /** Origins besides 'self' the web app may call (AWS: the Cognito issuer and its domain). */
  connectSrc?: readonly string[];
  /** Add `upgrade-insecure-requests` (AWS, behind https; never on http://127.0.0.1). */
  upgradeInsecureRequests?: boolean;
}

/** A strict policy: no inline script or style, nothing from other origins, never framed. */
export function contentSecurityPolicy(opts: CspOptions = {}): string {
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...(opts.connectSrc ?? [])].join(' ')}`,
    "manifest-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ];
  if (opts.upgradeInsecureRequests) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** The other headers, by name (CloudFront's policy has a typed field for each). */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
} as const;

/** Every security header of a response of the web origin. */
export function webSecurityHeaders(opts: CspOptions = {}): Record<string, string> {
  return { 'content-security-policy': contentSecurityPolicy(opts), ...SECURITY_HEADERS };
}
