// What a request may see. Authentication (server/auth, issue 5) sets `req.scope`; until it is
// wired in, the app's default authenticate step gives every request the city-wide admin scope.
// Every query that returns county-level data filters on `countyCode` when it is not null, and
// city totals stay visible (interfaces.md).
import type { Request } from 'express';

export type Role = 'viewer' | 'analyst' | 'admin';

export interface Scope {
  role: Role;
  countyCode: string | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** `{ role, countyCode }`: county-level queries filter on countyCode when it is not null. */
      scope?: Scope;
    }
  }
}

/** The scope of a request whose authentication has not been wired in yet. */
export const CITY_WIDE_ADMIN: Scope = Object.freeze({ role: 'admin', countyCode: null });

/** The request's scope; fails closed (500) when no authenticate step set one. */
export function scopeOf(req: Request): Scope {
  if (!req.scope) throw new Error('request has no scope: the authenticate middleware did not run');
  return req.scope;
}
