// What authentication adds to every request: the user (never a secret) and how it signed in;
// `req.scope` itself is declared in server/scope.ts.
import '../scope.ts';
import type { Role } from './roles.ts';

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
      /** How the request authenticated; CSRF checks apply to `session` only. */
      authMethod?: 'bearer' | 'session';
    }
  }
}
