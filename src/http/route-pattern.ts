import type { Request, Response } from 'express';

/**
 * The route pattern of a request (`/api/tasks/:id`), the only form of the path that goes
 * into logs and metric labels: real paths carry ids and query strings carry case data.
 */
export function setRoutePattern(res: Response, pattern: string): void {
  res.locals.routePattern = pattern;
}

export function routePatternOf(req: Request, res: Response): string {
  const declared: unknown = res.locals?.routePattern;
  if (typeof declared === 'string') return declared;
  const route = (req as { route?: { path?: unknown } }).route;
  if (route !== undefined && typeof route.path === 'string') return `${req.baseUrl ?? ''}${route.path}`;
  return 'unmatched';
}
