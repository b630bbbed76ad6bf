// The scope of a request (dashboards/queries/scope.ts): the authenticate step that createApp
// requires (server/auth in `npm start`) sets `req.scope` before any route runs, and every route
// that reads county-level data takes it from here.
import type { Request } from 'express';
import type { Scope } from '../dashboards/queries/scope.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** `{ role, countyCode }`: county-level queries filter on countyCode when it is not null. */
      scope?: Scope;
    }
  }
}

/** The request's scope; fails closed (500) when no authenticate step set one. */
export function scopeOf(req: Request): Scope {
  if (!req.scope) throw new Error('request has no scope: the authenticate middleware did not run');
  return req.scope;
}
