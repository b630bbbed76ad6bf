// One result table in the format the client asked for: JSON `{ rows }` by default, an Arrow IPC
// stream when the Accept header names application/vnd.apache.arrow.stream (or ?format=arrow),
// CSV with ?format=csv (UTF-8 with BOM, for Excel).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import type { GenerationCache } from '../cache.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import { toArrowIpc, type TableColumn } from './arrow.ts';
import { toCsv } from './csv.ts';
import { badParameter } from './errors.ts';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

export type TableFormat = 'json' | 'csv' | 'arrow';

export function requestedFormat(req: Request): TableFormat {
  const format = req.query.format;
  if (format === undefined) {
    if (!mentionsArrow(req)) return 'json';
    return req.accepts(['application/json', ARROW_STREAM]) === ARROW_STREAM ? 'arrow' : 'json';
  }
  if (format === 'json' || format === 'csv' || format === 'arrow') return format;
  throw badParameter('format', zh.errors.hints.format);
}

// A browser's catch-all Accept gets JSON; Arrow only when the client names it (and prefers it).
function mentionsArrow(req: Request): boolean {
  return (req.get('accept') ?? '').toLowerCase().includes(ARROW_STREAM);
}

export interface SendTableOptions {
  /** File name (without extension) for CSV and Arrow downloads. */
  fileName: string;
}

/** An answer that is the same for everyone who asks this key of this warehouse generation. */
export interface PreparedKey {
  cache: GenerationCache;
  generation: number;
  key: string;
}

/** A response body as it goes on the wire, with what a cache needs to know of it. */
interface PreparedBody {
  type: string;
  body: Buffer;
  etag: string;
  /** Only when it saves something (bodies of a packet or less are sent as they are). */
  gzip: Buffer | null;
}

const GZIP_FROM_BYTES = 1400;

export function sendTable(req: Request, res: Response, columns: TableColumn[], rows: Record<string, unknown>[], options: SendTableOptions): void {
  const format = requestedFormat(req);
  res.vary('Accept');
  if (format === 'csv') res.attachment(`${options.fileName}.csv`);
  const { type, body } = serialise(format, columns, rows);
  res.type(type);
  res.send(body);
}

/**
 * sendTable for a PreparedKey: the bytes (and their gzip) are made once per generation and
 * served as they are, with a strong ETag (304 for a client that has them).
 */
export async function sendPreparedTable(req: Request, res: Response, columns: TableColumn[], rows: Record<string, unknown>[], options: SendTableOptions & PreparedKey): Promise<void> {
  const format = requestedFormat(req);
  res.vary('Accept');
  if (format === 'csv') res.attachment(`${options.fileName}.csv`);
  const prepared = await options.cache.get(options.generation, `bytes:${format}:${options.key}`, async () => prepare(serialise(format, columns, rows)));
  sendPrepared(req, res, prepared);
}

/**
 * The prepared bytes of `key` when this generation has them already: sent without touching the
 * warehouse (no pooled connection is taken for an answer that is cached). False on a miss.
 */
export async function sendPreparedIfCached(req: Request, res: Response, options: SendTableOptions & PreparedKey): Promise<boolean> {
  const format = requestedFormat(req);
  const cached = options.cache.peek<PreparedBody>(options.generation, `bytes:${format}:${options.key}`);
  if (cached === undefined) return false;
  const prepared = await cached;
  res.vary('Accept');
  if (format === 'csv') res.attachment(`${options.fileName}.csv`);
  sendPrepared(req, res, prepared);
  return true;
}

function serialise(format: TableFormat, columns: TableColumn[], rows: Record<string, unknown>[]): { type: string; body: Buffer } {
  if (format === 'arrow') return { type: ARROW_STREAM, body: Buffer.from(toArrowIpc(columns, rows)) };
  if (format === 'csv') return { type: 'text/csv; charset=utf-8', body: Buffer.from(toCsv(columns.map((c) => ({ key: c.name, label: c.name })), rows)) };
  return { type: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify({ rows })) };
}

function prepare({ type, body }: { type: string; body: Buffer }): PreparedBody {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const gzip = body.length >= GZIP_FROM_BYTES ? gzipSync(body, { level: 6 }) : null;
  return { type, body, etag, gzip: gzip && gzip.length < body.length ? gzip : null };
}

function sendPrepared(req: Request, res: Response, prepared: PreparedBody): void {
  res.type(prepared.type);
  res.vary('Accept-Encoding');
  res.set('ETag', prepared.etag);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (prepared.gzip && req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.set('Content-Encoding', 'gzip');
    res.send(prepared.gzip);
    return;
  }
  res.send(prepared.body);
}
