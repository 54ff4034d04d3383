import { parseBearer } from '../../access/authenticator.js';
import type { Operations } from '../operations.js';
import { defineRoute, type RouteDefinition } from '../route-registry.js';
import { Session, SignInBody, User } from '../schemas/session.schemas.js';

export function sessionRoutes({ operations }: { operations: Operations }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/session',
      summary: 'Sign in with user name and password',
      description: 'Failed sign-ins are limited per user name and per address (429 with Retry-After).',
      tags: ['Session'],
      auth: 'none',
      body: SignInBody,
      response: Session,
      errors: [401, 429],
      handler: ({ body }, req) => operations.signIn(body.username, body.password, req.ip),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/session',
      summary: 'Sign out (ends the session of the token sent)',
      tags: ['Session'],
      status: 204,
      handler: ({ principal }, req) => operations.signOut(principal, parseBearer(req.headers.authorization)),
    }),
    defineRoute({
      method: 'get',
      path: '/api/me',
      summary: 'The signed-in user',
      tags: ['Session'],
      response: User,
      handler: ({ principal }) => operations.me(principal),
    }),
  ];
}

