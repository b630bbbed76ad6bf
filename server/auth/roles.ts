// Roles, their order, and the county scope a user may carry. The roles themselves and the
// Scope are the read side's words (dashboards/queries/scope.ts), named here for server/auth.
import { SEED_COUNTIES } from '../../pipelines/contract/seeds.ts';
import { ROLES, type Role } from '../../dashboards/queries/scope.ts';

export { ROLES, type Role };
export type { Scope } from '../../dashboards/queries/scope.ts';

/** The 9 county-level units of Lishui (sql/seeds/counties.csv); a county-scoped user carries one of these. */
export const COUNTIES: Readonly<Record<string, string>> = Object.fromEntries(SEED_COUNTIES.map((c) => [c.code, c.name]));

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isCountyCode(value: string): boolean {
  return Object.hasOwn(COUNTIES, value);
}

/** viewer < analyst < admin. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}
