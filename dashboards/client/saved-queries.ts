// Saved and shared console queries. A shared query travels in the URL as `?q=` (base64url of
// the SQL's UTF-8 bytes), so a link opens the console with that query; saved queries are kept
// in this browser's localStorage (name → SQL), never on the server.

const STORAGE_KEY = 'lishui-console-saved-queries';
/** Links longer than this break in some mail and chat clients (浙政钉 included). */
export const MAX_LINK_SQL_CHARS = 4_000;
export const MAX_SAVED = 50;
const MAX_SAVED_SQL_CHARS = 20_000;

export interface SavedQuery {
  name: string;
  sql: string;
  savedAt: string;
}

export function encodeQuery(sql: string): string {
  const bytes = new TextEncoder().encode(sql);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The SQL of a `?q=` value; null when it is not base64url of UTF-8 text. */
export function decodeQuery(text: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length > MAX_LINK_SQL_CHARS * 2) return null;
  try {
    const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The console URL that opens `sql`; null when the SQL is too long for a link. */
export function shareUrl(sql: string, base: string): string | null {
  if (sql.length > MAX_LINK_SQL_CHARS) return null;
  const url = new URL(base);
  url.search = '';
  url.hash = '';
  url.searchParams.set('q', encodeQuery(sql));
  return url.toString();
}

export function readSaved(storage: Storage = localStorage): SavedQuery[] {
  try {
    const parsed = JSON.parse(storage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((q): q is SavedQuery => typeof q?.name === 'string' && typeof q?.sql === 'string');
  } catch {
    return [];
  }
}

/** Saves (or replaces, by name) a query; false when the list is full or the SQL too long. */
export function saveQuery(name: string, sql: string, storage: Storage = localStorage): boolean {
  const list = readSaved(storage).filter((q) => q.name !== name);
  if (list.length >= MAX_SAVED || sql.length > MAX_SAVED_SQL_CHARS) return false;
  list.unshift({ name, sql, savedAt: new Date().toISOString() });
  storage.setItem(STORAGE_KEY, JSON.stringify(list));
  return true;
}

export function removeSaved(name: string, storage: Storage = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(readSaved(storage).filter((q) => q.name !== name)));
}
