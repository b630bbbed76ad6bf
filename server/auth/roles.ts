// Roles, their order, and the county scope a user may carry.

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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

/**
 * What a request may see: the role, and the county it is limited to (null = city-wide). The
 * type and `req.scope` are declared by the server (server/scope.ts); auth sets it.
 */
export type { Scope } from '../scope.ts';
