/**
 * One error hierarchy for the whole product. Domain code throws these; the HTTP `onError`
 * maps them to status codes and consumers decide what is retryable.
 */
export class PsaError extends Error {
  readonly status: number = 500;
  readonly code: string = 'internal_error';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A field-level problem in input; `issues` name the JSON path of each problem. */
export class ValidationError extends PsaError {
  override readonly status = 400;
  override readonly code = 'validation_error';
  readonly issues: { path: string; message: string }[];
  constructor(
    message: string,
    issues: { path: string; message: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.issues = issues;
  }
}

export class UnauthorizedError extends PsaError {
  override readonly status = 401;
  override readonly code = 'unauthorized';
}

export class ForbiddenError extends PsaError {
  override readonly status = 403;
  override readonly code = 'forbidden';
}

export class NotFoundError extends PsaError {
  override readonly status = 404;
  override readonly code = 'not_found';
}

export class ConflictError extends PsaError {
  override readonly status = 409;
  override readonly code = 'conflict';
}

/** A write lost an optimistic-concurrency race; the caller re-reads and tries again. */
export class StaleWriteError extends PsaError {
  override readonly status = 409;
  override readonly code = 'stale_write';
}

/** A request body (or document) over the size a route takes; the message names the limit. */
export class PayloadTooLargeError extends PsaError {
  override readonly status = 413;
  override readonly code = 'payload_too_large';
}

/** Over a rate limit: try again after `retryAfterSeconds` (the HTTP API answers `Retry-After`). */
export class TooManyRequestsError extends PsaError {
  override readonly status = 429;
  override readonly code = 'too_many_requests';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** Something that existed and is used up or expired for good (a used or expired rating link). */
export class GoneError extends PsaError {
  override readonly status = 410;
  override readonly code = 'gone';
}
