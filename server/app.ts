// The Express app. Order of the layers:
//   security headers → open routes (health, assets) → authenticate (the auth slot: sets
//   req.scope or refuses; required, so an app without it cannot be made) → route modules (APIs, report, pages, and whatever later issues add) → 404 →
//   errors as { error: { code, message } } (JSON) or a Chinese error page (HTML), never a stack.
import { randomBytes } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { zh } from '../dashboards/i18n/zh.ts';
import { errorPage } from '../dashboards/layout.ts';
import { NotFound } from '../dashboards/page.ts';
import type { AppContext, RouteModule } from './app-context.ts';
import type { ClientAssets } from './assets.ts';
import { GenerationCache } from './cache.ts';
import { HttpError, notFound } from './http/errors.ts';
import { silentLogger, type Logger } from './log.ts';
import { PdfRenderer } from './pdf.ts';
import { securityHeaders } from './http/security-headers.ts';
import { registerAssets } from './routes/assets.ts';
import { registerDictionaryApi } from './routes/dictionary.ts';
import { registerHealth } from './routes/health.ts';
import { registerIndicatorsApi } from './routes/indicators.ts';
import { registerEditionsApi } from './editions/routes.ts';
import { EditionReader } from '../pipelines/editions/store.ts';
import { registerPages } from './routes/pages.ts';
import { registerRejectsApi } from './routes/rejects.ts';
import { registerReport } from './routes/report.ts';
import { registerRunsApi } from './routes/runs.ts';
import { DEFAULT_VALIDATE_MAX_BYTES, registerValidateApi, type ValidateSettings } from './routes/validate.ts';
import { WarehouseUnavailableError, type WarehouseHolder } from './warehouse.ts';

export interface AppOptions {
  warehouse: WarehouseHolder;
  assets: ClientAssets;
  log?: Logger;
  pdf?: PdfRenderer;
  staleAfterDays?: number;
  /** Served over TLS (directly or behind a proxy): HSTS and upgrade-insecure-requests. */
  tls?: boolean;
  /** DATA_DIR/runs: the run journals that GET /api/runs and 数据质量 merge with audit.runs. */
  runJournalDir?: string;
  /**
   * The auth slot: runs before every route but the open ones (health, assets) and sets
   * `req.scope` (or refuses). Required: there is no default reader (`npm start` passes server/auth).
   */
  authenticate: RequestHandler;
  /** DATA_DIR/editions and the issuing office: the monthly editions (issue 13); off when unset. */
  editions?: { dir: string; issuingOffice?: string };
  /** The app's clock: submission freshness, partial months, editions taken by POST (default: the machine's). */
  today?: () => Date;
  /** Day of the following month by which a month's exports are due (default 5). */
  submissionDeadlineDay?: number;
  /** POST /api/validate: the person-key secret and the upload limit (default: a throwaway secret, 50 MB). */
  validate?: Partial<ValidateSettings>;
  /** More route modules, registered after authentication and before the pages. */
  routes?: RouteModule[];
}

export function createApp(options: AppOptions): express.Express {
  // Fail closed for callers the type system does not reach (plain JS, `as` casts).
  if (typeof options.authenticate !== 'function') throw new Error('createApp: an authenticate step is required (no request may go unauthenticated)');
  const context: AppContext = {
    warehouse: options.warehouse,
    cache: new GenerationCache(),
    assets: options.assets,
    log: options.log ?? silentLogger,
    pdf: options.pdf ?? new PdfRenderer({ log: options.log }),
    staleAfterDays: options.staleAfterDays ?? 45,
    runJournalDir: options.runJournalDir ?? null,
    editions: options.editions ? { reader: new EditionReader(options.editions.dir), issuingOffice: options.editions.issuingOffice ?? '丽水市司法局' } : null,
    today: options.today ?? (() => new Date()),
    submissionDeadlineDay: options.submissionDeadlineDay ?? 5,
    validate: { secret: options.validate?.secret ?? throwawaySecret(), maxBytes: options.validate?.maxBytes ?? DEFAULT_VALIDATE_MAX_BYTES },
  };
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');
  app.use(securityHeaders({ tls: options.tls ?? false }));

  const open = Router();
  registerHealth(open, context);
  registerAssets(open, context);
  app.use(open);

  app.use(options.authenticate);

  const routes = Router();
  const modules: RouteModule[] = [registerIndicatorsApi, registerEditionsApi, registerRejectsApi, registerValidateApi, registerRunsApi, registerDictionaryApi, ...(options.routes ?? []), registerReport, registerPages];
  for (const register of modules) register(routes, context);
  app.use(routes);

  app.use(() => {
    throw notFound();
  });
  app.use(errorHandler(context));
  return app;
}

function errorHandler(context: AppContext): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const { status, code, message } = describe(error);
    if (status >= 500) context.log.error('request failed', { method: req.method, path: req.path, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status);
    if (status === 503) res.set('Retry-After', '10');
    if (req.path.startsWith('/api/') || !req.accepts('html')) {
      res.json({ error: { code, message } });
    } else {
      res.type('html').send(errorPage(message, { styles: context.assets.url('styles.css'), script: context.assets.url('app.js') }, status));
    }
  };
}

function describe(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof NotFound) return { status: 404, code: 'not_found', message: zh.errors.unitNotFound };
  if (error instanceof WarehouseUnavailableError) return { status: 503, code: 'warehouse_unavailable', message: zh.errors.warehouseUnavailable };
  // errors of Express's own parsing (a malformed URL, …) carry a 4xx status
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, code: 'bad_request', message: zh.errors.badRequest };
  return { status: 500, code: 'internal', message: zh.errors.internal };
}

/** A secret for 预检 when none is configured: person keys of a check are never kept. */
function throwawaySecret(): () => Buffer {
  const secret = randomBytes(32);
  return () => secret;
}
