// What authentication adds to every request: the user (never a secret) and the scope that
// county-level queries filter on.
import type { Role, Scope } from './roles.ts';

export interface AuthUser {
  name: string;
  role: Role;
  county: string | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by the auth middleware on every route but the open ones. */
      user?: AuthUser;
      /** `{ role, countyCode }`: county-level queries filter on countyCode when it is not null. */
      scope?: Scope;
      /** How the request authenticated; CSRF checks apply to `session` only. */
      authMethod?: 'bearer' | 'session';
    }
  }
}
