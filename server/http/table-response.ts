// One result table in the format the client asked for: JSON `{ rows }` by default, an Arrow IPC
// stream when the Accept header names application/vnd.apache.arrow.stream (or ?format=arrow),
// CSV with ?format=csv (UTF-8 with BOM, for Excel).
import type { Request, Response } from 'express';
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

export function sendTable(req: Request, res: Response, columns: TableColumn[], rows: Record<string, unknown>[], options: SendTableOptions): void {
  const format = requestedFormat(req);
  res.vary('Accept');
  if (format === 'arrow') {
    res.type(ARROW_STREAM);
    res.send(Buffer.from(toArrowIpc(columns, rows)));
    return;
  }
  if (format === 'csv') {
    res.type('text/csv; charset=utf-8');
    res.attachment(`${options.fileName}.csv`);
    res.send(toCsv(columns.map((c) => ({ key: c.name, label: c.name })), rows));
    return;
  }
  res.json({ rows });
}
