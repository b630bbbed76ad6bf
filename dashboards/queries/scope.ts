// What a reader may see: a role and the county it is limited to. The read side's own word —
// the queries filter on it, the pages show by it, and the server's authentication (server/auth)
// sets it on each request (server/scope.ts) — so it is defined here, below both.

/** viewer < analyst < admin (interfaces.md's access table). */
export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Scope {
  role: Role;
  /** The county the reader is limited to; null = city-wide. County-level queries filter on it; city totals stay visible. */
  countyCode: string | null;
}
