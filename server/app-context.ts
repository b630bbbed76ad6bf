// What every route module of the app gets: the warehouse, the per-generation cache, the
// client assets, the log, the PDF renderer and the few settings the pages need.
import type { Router } from 'express';
import type { ClientAssets } from './assets.ts';
import type { GenerationCache } from './cache.ts';
import type { Logger } from './log.ts';
import type { PdfRenderer } from './pdf.ts';
import type { WarehouseHolder } from './warehouse.ts';
import type { EditionReader } from '../pipelines/editions/store.ts';

/** Monthly editions (issue 13): where they are kept and what the report prints. */
export interface EditionsContext {
  reader: EditionReader;
  /** The issuing office on the monthly report (config.issuingOffice). */
  issuingOffice: string;
}

export interface AppContext {
  warehouse: WarehouseHolder;
  cache: GenerationCache;
  assets: ClientAssets;
  log: Logger;
  pdf: PdfRenderer;
  /** Days after which a county's newest export of a kind counts as stale. */
  staleAfterDays: number;
  /** DATA_DIR/runs, the run journals (pipelines/run/journal.ts); null: the history is audit.runs alone. */
  runJournalDir: string | null;
  /** DATA_DIR/editions; null: this app serves no editions (the edition routes answer 404). */
  editions: EditionsContext | null;
  /** The app's clock: submission freshness, a month not over (partial), editions taken by POST; tests pass their own. */
  today: () => Date;
  /** Each month's exports are due by this day of the following month (config submissionDeadlineDay). */
  submissionDeadlineDay: number;
  /** POST /api/validate (预检). */
  validate: ValidateSettings;
}

/** POST /api/validate's settings (defined here, where every route's context is, so that the
 * route module and the context do not import each other). */
export interface ValidateSettings {
  /** The HMAC secret of person keys; when the warehouse has none yet, a throwaway one. */
  secret: () => Buffer;
  maxBytes: number;
}

/** A module that adds its routes to the app (pages, APIs; later auth, console, runs, refresh). */
export type RouteModule = (router: Router, app: AppContext) => void;
