import type { ErrorDetail } from '../errors.js';
import { z } from 'zod';

/**
 * An error that only the HTTP layer raises: a request that never reached a service
 * (bad content type, body too large, failed schema validation, no credentials).
 * Services throw the typed errors of `src/errors.ts` instead; both end in the one
 * error middleware, which turns them into the API.md error body.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Extra response headers (Accept for 415, WWW-Authenticate for 401, Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The JSON body of every error answer (API.md). */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details: ErrorDetail[];
  };
}

export function errorBody(code: string, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** The error body as a zod schema: documents it in OpenAPI, and tests check answers against it. */
export const ErrorDetailSchema = z
  .object({
    path: z.string().optional().describe('The request field at fault, e.g. body.variables.amount'),
    elementId: z.string().optional().describe('The BPMN element at fault'),
    rule: z.string().optional(),
    message: z.string(),
    severity: z.enum(['error', 'warning']).optional(),
  })
  .meta({ id: 'ErrorDetail' });

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('snake_case code, stable for clients'),
      message: z.string().describe('A human sentence'),
      details: z.array(ErrorDetailSchema),
    }),
  })
  .meta({ id: 'Error' });
