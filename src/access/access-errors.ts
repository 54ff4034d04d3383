/**
 * Errors of the access layer that the shared family in src/errors.ts does not cover.
 * HTTP maps `unauthenticated` to 401 and `too_many_requests` to 429 (with a Retry-After
 * header taken from `retryAfterSeconds`).
 */
import { SamenspelError } from '../errors.js';

/** No valid credentials: wrong user name or password, or a missing/expired token. */
export class UnauthenticatedError extends SamenspelError {
  readonly kind = 'unauthenticated' as const;
}

/** Too many failed sign-ins; the caller may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends SamenspelError {
  readonly kind = 'too_many_requests' as const;
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}
