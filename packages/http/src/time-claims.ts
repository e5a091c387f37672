import { UnauthorizedError } from '@psa/model/errors';

/**
 * The time claims of a verified token, checked after its signature: every token must expire
 * (`exp` is required), and none may claim to be issued (`iat`) or valid from (`nbf`) later than
 * now. A library that verifies signatures accepts a token without `exp` forever, and one issued
 * "in the future" by a skewed or forged clock would outlive its intended lifetime.
 * https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4
 */

/** How far the issuer's clock may run ahead of ours (RFC 7519 allows "a few minutes" of leeway). */
export const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * A NumericDate claim in seconds. API Gateway's JWT authorizer passes claims on as strings
 * (`"exp": "1793718000"`), a token itself as numbers; anything else is not a time.
 */
function numericDate(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d{1,12}(\.\d+)?$/.test(value)) return Number(value);
  return null;
}

/** Throws 401 unless `exp` is present and later than now, and `iat` and `nbf` are not later than now. */
export function checkTimeClaims(
  payload: Record<string, unknown>,
  now: Date,
  toleranceSeconds = CLOCK_TOLERANCE_SECONDS,
): void {
  const nowSeconds = now.getTime() / 1000;
  const exp = numericDate(payload.exp);
  const iat = numericDate(payload.iat);
  const nbf = numericDate(payload.nbf);
  if (exp === undefined) throw new UnauthorizedError('token claims invalid: exp is required');
  if (exp === null || iat === null || nbf === null) {
    throw new UnauthorizedError('token claims invalid: exp, iat and nbf must be NumericDate seconds');
  }
  if (exp <= nowSeconds - toleranceSeconds) throw new UnauthorizedError('token expired');
  if (iat !== undefined && iat > nowSeconds + toleranceSeconds) {
    throw new UnauthorizedError('token claims invalid: iat is in the future');
  }
  if (nbf !== undefined && nbf > nowSeconds + toleranceSeconds) {
    throw new UnauthorizedError('token not valid yet (nbf is in the future)');
  }
}
