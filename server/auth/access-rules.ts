// Who may call what (interfaces.md, "HTTP"), in one table checked for every request after
// authentication, so a route added later is covered by the nearest rule.
import type { Role } from './roles.ts';

export interface AccessRule {
  /** Path prefix, matched on whole segments. */
  prefix: string;
  /** Minimum role. */
  role: Role;
  /** Refused to county-scoped users (the SQL console). */
  cityWideOnly: boolean;
}

export const OPEN_PATHS = ['/api/health', '/login', '/login.css'] as const;

/** Most specific first; anything not listed needs a viewer (any signed-in user). */
export const ACCESS_RULES: AccessRule[] = [
  { prefix: '/api/runs', role: 'admin', cityWideOnly: false },
  { prefix: '/api/refresh', role: 'admin', cityWideOnly: false },
  // The audit log names users of every county: city-wide admins only.
  { prefix: '/api/audit', role: 'admin', cityWideOnly: true },
  { prefix: '/audit', role: 'admin', cityWideOnly: true },
  { prefix: '/api/sql', role: 'analyst', cityWideOnly: true },
  { prefix: '/console', role: 'analyst', cityWideOnly: true },
  // The data dictionary describes (and samples) the analyst database: the console's audience.
  { prefix: '/api/dictionary', role: 'analyst', cityWideOnly: true },
  { prefix: '/dictionary', role: 'analyst', cityWideOnly: true },
];

export function pathMatches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}.`);
}

/**
 * The path as the router may match it: percent-decoded, lower-case (Express matches paths
 * case-insensitively), repeated and trailing slashes removed. Rules compare this form, so no
 * spelling of a path slips past its rule.
 */
export function normalizePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // keep the raw text; a malformed escape matches no rule but the default (viewer)
  }
  const collapsed = decoded.toLowerCase().replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}

export function isOpenPath(path: string): boolean {
  const normal = normalizePath(path);
  return OPEN_PATHS.some((p) => normal === p);
}

export function ruleFor(path: string): AccessRule {
  const normal = normalizePath(path);
  return ACCESS_RULES.find((r) => pathMatches(normal, r.prefix)) ?? { prefix: '/', role: 'viewer', cityWideOnly: false };
}
