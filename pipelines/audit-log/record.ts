// One audit event, its line in the log and the hash chain: each line is the JSON of the event
// with `prev` (the previous line's hash) and `hash` = sha256 of the line's JSON without `hash`.
// Changing a line breaks its own hash; removing one breaks the next line's `prev`.
import { createHash } from 'node:crypto';

/** What is recorded (interfaces.md, "Audit log"). Never a password, token or ID number. */
export interface AuditEvent {
  /** ISO 8601, UTC. */
  time: string;
  /** The account, or for commands the operating-system user; null when unknown (a failed sign-in names the name tried). */
  user: string | null;
  role: string | null;
  /** County scope of the user (null: city-wide or not signed in). */
  county: string | null;
  /** Client address; `local` for commands. */
  address: string | null;
  /** e.g. auth.login, http.request, console.query, refresh.run, users.add (docs/decisions.md lists them). */
  action: string;
  /** What the action was on: a path, a user name, a query's text, a run id. */
  target: string;
  /** success, failure, refused, locked, … */
  outcome: string;
  rows: number | null;
  bytes: number | null;
  /** A few more facts (status, format, reason); scalars only. */
  detail?: Record<string, string | number | boolean | null>;
}

export interface AuditLine extends AuditEvent {
  prev: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

/** Longest text kept in one field; longer text is cut and `detail.truncated` set. */
export const MAX_FIELD_CHARS = 100_000;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Something shaped like a mainland ID number (18 characters: 17 digits and a digit or X),
// wherever it appears (a name typed into the login form, a query's literal), is masked as the
// exports mask it (first 6 and last 4 kept, exports.md): no ID number ever reaches the log.
const ID_NUMBER = /(?<![0-9A-Za-z])([1-9]\d{5})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])/g;

export function maskIdNumbers(text: string): string {
  return text.replace(ID_NUMBER, (_match, head: string, tail: string) => `${head}********${tail}`);
}

function cut(text: string | null, truncated: { value: boolean }): string | null {
  if (text === null) return text;
  const masked = maskIdNumbers(text);
  if (masked.length <= MAX_FIELD_CHARS) return masked;
  truncated.value = true;
  return masked.slice(0, MAX_FIELD_CHARS);
}

/** The event in its fixed field order, long text cut (so a huge query cannot bloat the log). */
export function normalizeEvent(event: AuditEvent): AuditEvent {
  const truncated = { value: false };
  const out: AuditEvent = {
    time: event.time,
    user: cut(event.user, truncated),
    role: event.role,
    county: event.county,
    address: cut(event.address, truncated),
    action: event.action,
    target: cut(event.target, truncated) ?? '',
    outcome: event.outcome,
    rows: event.rows ?? null,
    bytes: event.bytes ?? null,
  };
  const detail = { ...(event.detail ?? {}) };
  for (const [key, value] of Object.entries(detail)) if (typeof value === 'string') detail[key] = cut(value, truncated);
  if (truncated.value) detail.truncated = true;
  if (Object.keys(detail).length > 0) out.detail = detail;
  return out;
}

/** The line (without its newline) of an event chained after `prev`. */
export function chainLine(event: AuditEvent, prev: string): { line: string; hash: string } {
  const body = JSON.stringify({ ...normalizeEvent(event), prev });
  const hash = sha256(body);
  return { line: `${body.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** Checks one line's own hash; returns the parsed line, or why it is broken. */
export function checkLine(text: string): { line: AuditLine } | { error: string } {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { error: '不是有效的 JSON / not valid JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.hash !== 'string' || typeof parsed.prev !== 'string') {
    return { error: '缺少 prev 或 hash / no prev or hash' };
  }
  const { hash, ...rest } = parsed;
  if (sha256(JSON.stringify(rest)) !== hash) return { error: '内容与其哈希不符（被修改） / content does not match its hash (changed)' };
  return { line: parsed as unknown as AuditLine };
}

/** The month file of a time: months follow Beijing time (UTC+8, no daylight saving). */
export function monthOf(time: string | number): string {
  const ms = typeof time === 'number' ? time : Date.parse(time);
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 7);
}

export const FILE_PATTERN = /^audit-(\d{4}-\d{2})\.jsonl$/;

export function fileOfMonth(month: string): string {
  return `audit-${month}.jsonl`;
}
