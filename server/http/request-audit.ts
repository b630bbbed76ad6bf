// One audit line per page or API request (after the response): who (user, role, county,
// address), method and path, status, bytes sent; the query string without anything that looks
// like a secret. POST /api/sql is recorded as `console.query` with the query's full text (the
// analyst schema holds no personal data), its format and row count. Downloads (CSV, Excel,
// Parquet, Arrow, PDF, SVG) are `http.export`. Never a body, a password or a token.
import type { NextFunction, Request, Response } from 'express';
import type { AuditLog } from '../../pipelines/audit-log/index.ts';
import { normalizePath } from '../auth/access-rules.ts';

const SECRET_PARAM = /pass|token|secret|key|csrf|sfz|id_?number|身份证/i;
const EXPORT_FORMAT = /^(csv|xlsx|parquet|arrow|svg|png|pdf)$/i;
/** Paths recorded by their own events (sign-in) or too frequent to matter. */
const SKIP = new Set(['/login', '/login.css']);

export function safeQuery(req: Request): string | null {
  const index = req.originalUrl.indexOf('?');
  if (index < 0) return null;
  const params = new URLSearchParams(req.originalUrl.slice(index + 1));
  for (const key of [...params.keys()]) if (SECRET_PARAM.test(key)) params.delete(key);
  const text = params.toString();
  return text === '' ? null : text.slice(0, 1000);
}

function byteLength(chunk: unknown, encoding?: unknown): number {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') return 0;
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

function outcomeOf(status: number, finished: boolean): string {
  if (!finished) return 'aborted';
  if (status < 400) return 'success';
  if (status === 401 || status === 403 || status === 429) return 'refused';
  return 'failure';
}

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function requestAudit(audit: AuditLog, onError?: (error: unknown) => void): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const path = normalizePath(req.path);
    if (SKIP.has(path)) return next();
    let bytes = 0;
    let rows: number | null = null;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    (res as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
      bytes += byteLength(args[0], args[1]);
      return write(...args);
    };
    (res as unknown as { end: (...args: unknown[]) => Response }).end = (...args: unknown[]) => {
      bytes += byteLength(args[0], args[1]);
      return end(...args);
    };
    const isSql = req.method === 'POST' && path === '/api/sql';
    if (isSql) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        const count = (body as { rowCount?: unknown } | null)?.rowCount;
        if (typeof count === 'number') rows = count;
        return json(body);
      };
    }
    res.once('close', () => {
      const user = req.user;
      const format = typeof req.query.format === 'string' ? req.query.format : null;
      const accept = req.get('accept') ?? '';
      const isExport = (format !== null && EXPORT_FORMAT.test(format)) || path.endsWith('.pdf') || accept.includes('arrow');
      const base = {
        user: user?.name ?? null,
        role: user?.role ?? null,
        county: user?.county ?? null,
        address: clientAddress(req),
        outcome: outcomeOf(res.statusCode, res.writableFinished),
        bytes,
      };
      const exported = res.getHeader('x-result-truncated');
      const edition = req.method === 'POST' && path === '/api/editions' ? (req.body as { edition?: unknown } | undefined)?.edition : undefined;
      const done = edition !== undefined
        ? audit.append({ ...base, action: 'edition.take', target: String(edition).slice(0, 20), detail: { status: res.statusCode } })
        : isSql
        ? audit.append({
            ...base,
            action: 'console.query',
            target: typeof (req.body as { sql?: unknown } | undefined)?.sql === 'string' ? ((req.body as { sql: string }).sql) : '',
            rows: typeof res.locals.consoleRows === 'number' ? res.locals.consoleRows : rows,
            detail: { status: res.statusCode, format: format ?? (accept.includes('arrow') ? 'arrow' : 'json'), ...(exported ? { truncatedAt: String(exported) } : {}) },
          })
        : audit.append({
            ...base,
            action: isExport ? 'http.export' : 'http.request',
            target: `${req.method} ${req.path.slice(0, 500)}`,
            detail: { status: res.statusCode, query: safeQuery(req) },
          });
      done.catch((error: unknown) => onError?.(error));
    });
    next();
  };
}
