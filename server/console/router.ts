// HTTP of the SQL console: POST /api/sql { sql, id? } runs one read-only query and answers JSON
// rows (cut at the row limit, `truncated: true`), or streams the whole result up to the export
// cap as Arrow IPC (Accept: application/vnd.apache.arrow.stream or ?format=arrow), CSV
// (?format=csv) or Parquet (?format=parquet). POST /api/sql/:id/cancel interrupts a query of
// the same user; GET /api/sql/schema lists the analyst tables and views with their comments.
// Access (analyst and up, city-wide only) is checked by the auth router before these run.
import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response } from 'express';
import { RecordBatchStreamWriter } from 'apache-arrow';
import { ConsoleError, type ConsoleEngine, type ResultSink } from './engine.ts';
import type { ParquetExporter, ParquetWriter } from './parquet-export.ts';
import { arrowBatch, arrowSchema, csvHeader, csvLines, jsonRows, type JsonCell, type ResultColumn } from './result-formats.ts';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

export interface ConsoleRouterOptions {
  engine: ConsoleEngine;
  exporter: ParquetExporter;
  rowLimit: number;
  exportRowCap: number;
  /** Shown to the page with the schema (row limit, export cap, time limit). */
  limits?: { rowLimit: number; exportRowCap: number; timeoutMs: number };
  /** Where errors the console did not expect are logged (never sent to the client). */
  logError?: (error: unknown) => void;
}

type Format = 'json' | 'csv' | 'arrow' | 'parquet';

function formatOf(req: Request): Format | undefined {
  const asked = req.query.format;
  if (asked === undefined) return (req.get('accept') ?? '').includes(ARROW_STREAM) ? 'arrow' : 'json';
  return asked === 'json' || asked === 'csv' || asked === 'arrow' || asked === 'parquet' ? asked : undefined;
}

function sendError(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy(new Error(message));
    return;
  }
  res.status(status).json({ error: { code, message } });
}

export function consoleRouter(options: ConsoleRouterOptions): express.Router {
  const router = express.Router();
  router.use('/api/sql', express.json({ limit: '256kb' }));

  router.get('/api/sql/schema', async (_req, res) => {
    try {
      res.json({ relations: await options.engine.schema(), limits: options.limits ?? { rowLimit: options.rowLimit, exportRowCap: options.exportRowCap, timeoutMs: null } });
    } catch (error) {
      fail(res, error);
    }
  });

  router.post('/api/sql/:id/cancel', (req, res) => {
    const cancelled = options.engine.cancel(String(req.params.id), req.user!.name);
    if (!cancelled) return sendError(res, 404, 'not_running', '没有正在执行的该查询 / no such running query');
    res.json({ cancelled: true });
  });

  router.post('/api/sql', async (req, res) => {
    const body = (req.body ?? {}) as { sql?: unknown; id?: unknown };
    if (typeof body.sql !== 'string') return sendError(res, 400, 'bad_request', '请求体须为 { "sql": "..." } / body must be { "sql": "..." }');
    const format = formatOf(req);
    if (!format) return sendError(res, 400, 'bad_format', 'format 只能是 json、csv、arrow、parquet / format must be json, csv, arrow or parquet');
    const id = typeof body.id === 'string' ? body.id : randomUUID();
    const request = { id, userName: req.user!.name, sql: body.sql };
    let finished = false;
    res.on('close', () => {
      if (!finished) options.engine.cancel(id, request.userName);
    });
    try {
      if (format === 'json') await answerJson(res, request);
      else if (format === 'csv') await answerCsv(res, request);
      else if (format === 'arrow') await answerArrow(res, request);
      else await answerParquet(res, request);
    } catch (error) {
      fail(res, error);
    } finally {
      finished = true;
    }
  });

  function fail(res: Response, error: unknown): void {
    if (error instanceof ConsoleError) return sendError(res, error.status, error.code, error.message);
    options.logError?.(error);
    sendError(res, 500, 'internal', '服务器内部错误 / internal error');
  }

  async function answerJson(res: Response, request: { id: string; userName: string; sql: string }): Promise<void> {
    let columns: ResultColumn[] = [];
    const rows: Record<string, JsonCell>[] = [];
    const sink: ResultSink = {
      columns: (c) => {
        columns = c;
      },
      chunk: (chunk) => {
        for (const row of jsonRows(chunk, columns)) {
          rows.push(Object.fromEntries(columns.map((c, i) => [c.name, row[i] ?? null])));
        }
      },
    };
    const outcome = await options.engine.run(request, sink, options.rowLimit);
    res.json({ id: request.id, columns, rows, rowCount: outcome.rowCount, truncated: outcome.truncated, rowLimit: options.rowLimit, elapsedMs: outcome.elapsedMs });
  }

  async function answerCsv(res: Response, request: { id: string; userName: string; sql: string }): Promise<void> {
    let columns: ResultColumn[] = [];
    const sink: ResultSink = {
      columns: (c) => {
        columns = c;
        res.status(200).attachment('query.csv').type('text/csv; charset=utf-8');
        // BOM: Excel opens UTF-8 CSV with Chinese text correctly only with it.
        res.write(`\uFEFF${csvHeader(columns)}`);
      },
      chunk: async (chunk) => {
        if (!res.write(csvLines(jsonRows(chunk, columns)))) await new Promise((r) => res.once('drain', r));
      },
    };
    await options.engine.run(request, sink, options.exportRowCap);
    res.end();
  }

  async function answerArrow(res: Response, request: { id: string; userName: string; sql: string }): Promise<void> {
    let columns: ResultColumn[] = [];
    const writer = new RecordBatchStreamWriter();
    let schema: ReturnType<typeof arrowSchema> | undefined;
    let piping: Promise<void> | undefined;
    const sink: ResultSink = {
      columns: (c) => {
        columns = c;
        schema = arrowSchema(columns);
        res.status(200).attachment('query.arrows').type(ARROW_STREAM);
        piping = pipeline(writer.toNodeStream(), res, { end: true });
        writer.reset(undefined, schema);
      },
      chunk: (chunk) => {
        writer.write(arrowBatch(schema!, columns, chunk));
      },
    };
    try {
      await options.engine.run(request, sink, options.exportRowCap);
    } catch (error) {
      writer.abort();
      throw error;
    }
    writer.finish();
    writer.close();
    await piping;
  }

  async function answerParquet(res: Response, request: { id: string; userName: string; sql: string }): Promise<void> {
    let writer: ParquetWriter | undefined;
    try {
      const outcome = await options.engine.run(
        request,
        {
          columns: async (_c, names, types) => {
            writer = await options.exporter.begin(names, types);
          },
          chunk: (chunk) => writer!.append(chunk),
        },
        options.exportRowCap,
      );
      const file = await writer!.finish();
      res.status(200).attachment('query.parquet').type('application/vnd.apache.parquet');
      if (outcome.truncated) res.setHeader('X-Result-Truncated', String(options.exportRowCap));
      await pipeline(createReadStream(file), res);
    } finally {
      await writer?.dispose();
    }
  }

  return router;
}
