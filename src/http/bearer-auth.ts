import type { Request } from 'express';
import { parseBearer, type Authenticator } from '../access/authenticator.js';
import type { Authenticate } from './route-registry.js';

/**
 * Adapts the access layer's Authenticator (SessionService, OidcVerifier) to the shell:
 * `createHttpShell({ authenticate: bearerAuthenticate(sessions), ... })`. A missing or
 * malformed Authorization header is null (401) without asking the authenticator.
 */
export function bearerAuthenticate(authenticator: Authenticator): Authenticate {
  return (req: Request) => {
    const token = parseBearer(req.headers.authorization);
    return token === null ? null : authenticator.authenticate(token);
  };
}
