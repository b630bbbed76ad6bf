// HTTP of the SQL console: POST /api/sql { sql, id? } runs one read-only query in a console
// worker and answers JSON rows (cut at the row limit or the JSON byte cap, `truncated: true`),
// or streams the whole result up to the export caps (rows and bytes) as Arrow IPC (Accept:
// application/vnd.apache.arrow.stream or ?format=arrow), CSV (?format=csv), Parquet
// (?format=parquet) or an Excel workbook (?format=xlsx). POST /api/sql/:id/cancel interrupts a
// query of the same user; GET /api/sql/schema lists the analyst tables and views with their
// comments and the limits. A client that goes away ends its query. After every query the
// `onQuery` hook (audit) hears who ran what and how it ended.
// Access (analyst and up, city-wide only) is checked by the auth router before these run.
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { ConsoleError, type ConsoleEngine, type QueryOutcome } from './engine.ts';
import type { HeadPayload, ResultFormat } from './worker-protocol.ts';

export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What the audit log (or anything else) hears after each console query. */
export interface ConsoleQueryEvent {
  user: string;
  sql: string;
  format: ResultFormat;
  /** 'ok', or the error code ('refused', 'timeout', 'cancelled', 'worker_died', …). */
  outcome: string;
  status: number;
  rows: number;
  bytes: number;
  truncated: boolean;
  elapsedMs: number;
}

export interface ConsoleRouterOptions {
  engine: ConsoleEngine;
  /** Where errors the console did not expect are logged (never sent to the client). */
  logError?: (error: unknown) => void;
  /** Called after every query, whatever its outcome (errors it throws are logged, not sent). */
  onQuery?: (event: ConsoleQueryEvent) => void;
}

const FORMATS: readonly ResultFormat[] = ['json', 'csv', 'arrow', 'parquet', 'xlsx'];

function formatOf(req: Request): ResultFormat | undefined {
  const asked = req.query.format;
  if (asked === undefined) return (req.get('accept') ?? '').includes(ARROW_STREAM) ? 'arrow' : 'json';
  return FORMATS.find((f) => f === asked);
}

function sendError(res: Response, status: number, code: string, message: string, retryAfter?: number): void {
  if (res.headersSent) {
    // The result was already streaming: cut it, so the client sees an incomplete download.
    res.destroy();
    return;
  }
  if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
  res.status(status).json({ error: { code, message } });
}

/** Resolves once `res` can take more bytes; rejects when the client has gone. */
function writeWithBackPressure(res: Response, bytes: Buffer): void | Promise<void> {
  if (res.destroyed || res.writableEnded) throw new Error('client gone');
  if (res.write(bytes)) return;
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      res.off('drain', onDrain);
      res.off('close', onClose);
    };
    const onDrain = () => {
      done();
      resolve();
    };
    const onClose = () => {
      done();
      reject(new Error('client gone'));
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

export function consoleRouter(options: ConsoleRouterOptions): express.Router {
  const router = express.Router();
  const { engine } = options;
  const limits = engine.limits;
  router.use('/api/sql', express.json({ limit: `${Math.ceil((limits.maxSqlChars * 4) / 1024) + 16}kb` }));

  router.get('/api/sql/schema', async (req, res) => {
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    try {
      const relations = await engine.schema(controller.signal);
      res.json({ relations, limits });
    } catch (error) {
      fail(res, error);
    }
  });

  router.post('/api/sql/:id/cancel', (req, res) => {
    const cancelled = engine.cancel(String(req.params.id), req.user!.name);
    if (!cancelled) return sendError(res, 404, 'not_running', '没有正在执行的该查询');
    res.json({ cancelled: true });
  });

  router.post('/api/sql', async (req, res) => {
    const body = (req.body ?? {}) as { sql?: unknown; id?: unknown };
    if (typeof body.sql !== 'string') return sendError(res, 400, 'bad_request', '请求体须为 { "sql": "..." }');
    const format = formatOf(req);
    if (!format) return sendError(res, 400, 'bad_format', `format 只能是 ${FORMATS.join('、')}`);
    const request = { id: typeof body.id === 'string' ? body.id : randomUUID(), userName: req.user!.name, sql: body.sql, format };
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const started = performance.now();
    let outcome: QueryOutcome | undefined;
    let failure: ConsoleError | undefined;
    let bytesSent = 0;
    try {
      if (format === 'json') {
        const pieces: Buffer[] = [];
        let columns: HeadPayload['columns'] = [];
        outcome = await engine.run(
          request,
          {
            head: (head) => {
              columns = head.columns;
            },
            data: (bytes) => {
              pieces.push(bytes);
            },
          },
          controller.signal,
        );
        const json = Buffer.concat([
          Buffer.from(`{"id":${JSON.stringify(request.id)},"columns":${JSON.stringify(columns)},"rows":[`),
          ...pieces,
          Buffer.from(
            `],"rowCount":${outcome.rowCount},"truncated":${outcome.truncated},"truncatedBy":${JSON.stringify(outcome.truncatedBy)},"rowLimit":${limits.rowLimit},"byteLimit":${limits.jsonByteCap},"elapsedMs":${outcome.elapsedMs}}`,
          ),
        ]);
        bytesSent = json.byteLength;
        res.status(200).type('application/json').send(json);
      } else {
        outcome = await engine.run(
          request,
          {
            head: (head) => {
              // Parquet: headers once the file is written (its second head says if it was cut).
              if (res.headersSent || (format === 'parquet' && head.truncated === undefined)) return;
              startDownload(res, format, head.truncated ? limits.exportRowCap : undefined);
            },
            data: (bytes) => {
              if (!res.headersSent) startDownload(res, format);
              bytesSent += bytes.byteLength;
              return writeWithBackPressure(res, bytes);
            },
          },
          controller.signal,
        );
        if (!res.headersSent) startDownload(res, format);
        res.end();
      }
    } catch (error) {
      failure = error instanceof ConsoleError ? error : undefined;
      fail(res, error);
    } finally {
      // for the request's audit line (server/http/request-audit.ts), written when the response closes
      res.locals.consoleRows = outcome?.rowCount ?? null;
      report(options, {
        user: request.userName,
        sql: request.sql,
        format,
        outcome: failure?.code ?? (outcome ? 'ok' : 'internal'),
        status: failure?.status ?? (outcome ? 200 : 500),
        rows: outcome?.rowCount ?? 0,
        bytes: bytesSent,
        truncated: outcome?.truncated ?? false,
        elapsedMs: Math.round(performance.now() - started),
      });
    }
  });

  function fail(res: Response, error: unknown): void {
    if (error instanceof ConsoleError) return sendError(res, error.status, error.code, error.message, error.retryAfter);
    options.logError?.(error);
    sendError(res, 500, 'internal', '服务器内部错误');
  }

  return router;
}

function startDownload(res: Response, format: ResultFormat, truncatedAt?: number): void {
  const [name, type] =
    format === 'csv'
      ? ['query.csv', 'text/csv; charset=utf-8']
      : format === 'arrow'
        ? ['query.arrows', ARROW_STREAM]
        : format === 'parquet'
          ? ['query.parquet', 'application/vnd.apache.parquet']
          : ['query.xlsx', XLSX];
  res.status(200).attachment(name).type(type);
  if (truncatedAt !== undefined) res.setHeader('X-Result-Truncated', String(truncatedAt));
}

function report(options: ConsoleRouterOptions, event: ConsoleQueryEvent): void {
  try {
    options.onQuery?.(event);
  } catch (error) {
    options.logError?.(error);
  }
}
