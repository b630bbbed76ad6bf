// Roles, their order, and the county scope a user may carry. The roles themselves and the
// Scope are the read side's words (dashboards/queries/scope.ts), named here for server/auth.
import { ROLES, type Role } from '../../dashboards/queries/scope.ts';

export { ROLES, type Role };
export type { Scope } from '../../dashboards/queries/scope.ts';

/** The 9 county-level units of Lishui (product brief); a county-scoped user carries one of these. */
export const COUNTIES: Readonly<Record<string, string>> = {
  '331102': '莲都区',
  '331121': '青田县',
  '331122': '缙云县',
  '331123': '遂昌县',
  '331124': '松阳县',
  '331125': '云和县',
  '331126': '庆元县',
  '331127': '景宁畲族自治县',
  '331181': '龙泉市',
};

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
