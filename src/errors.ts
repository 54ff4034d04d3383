/**
 * The typed errors services throw. HTTP maps them to status codes in one place;
 * services never know about status codes.
 */
export interface ErrorDetail {
  path?: string;
  elementId?: string;
  rule?: string;
  message: string;
  severity?: 'error' | 'warning';
}

export abstract class SamenspelError extends Error {
  abstract readonly kind:
    | 'not_found'
    | 'conflict'
    | 'invalid'
    | 'forbidden'
    | 'unavailable'
    | 'bad_request'
    | 'unauthenticated'
    | 'too_many_requests';
  constructor(
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The resource does not exist, or the caller may not know that it exists. */
export class NotFoundError extends SamenspelError {
  readonly kind = 'not_found' as const;
}

/** The command lost a race or the state does not allow it (already completed, stale revision). */
export class ConflictError extends SamenspelError {
  readonly kind = 'conflict' as const;
}

/** A well-formed request that breaks a rule: BPMN problems, form validation, impossible migration. */
export class InvalidError extends SamenspelError {
  readonly kind = 'invalid' as const;
}

/** Malformed input (not JSON, wrong types): the request could not be understood. */
export class BadRequestError extends SamenspelError {
  readonly kind = 'bad_request' as const;
}

export class ForbiddenError extends SamenspelError {
  readonly kind = 'forbidden' as const;
}

/** The store (or another dependency) cannot be reached right now; nothing was changed. */
export class UnavailableError extends SamenspelError {
  readonly kind = 'unavailable' as const;
}
