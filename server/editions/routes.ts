// The editions API (interfaces.md, "Monthly editions"):
//   GET  /api/editions                 viewer+: [{ edition, taken_at, run_id, as_of }], oldest first
//   POST /api/editions {"edition"}     admin: takes it now from the published warehouse, under the
//                                      refresh lock; 201, 409 edition_exists / refresh_running
//   GET  /api/revisions?edition=       viewer+: what later publishes changed (county users: theirs)
// GET /api/indicators?edition= is in routes/indicators.ts.
import express, { type Request, type Router } from 'express';
import { zhEditions } from '../../dashboards/i18n/zh-editions.ts';
import { readRevisions, revisionsOf, type Revision } from '../../pipelines/editions/revisions.ts';
import { EDITION, EditionExistsError, NoPublishedWarehouseError, type EditionManifest, type EditionReader } from '../../pipelines/editions/store.ts';
import { takeEditionLocked } from '../../pipelines/editions/take.ts';
import { RefreshBusyError } from '../../pipelines/run/lock.ts';
import type { AppContext } from '../app-context.ts';
import { HttpError, badParameter } from '../http/errors.ts';
import { queryParam } from '../http/params.ts';
import { scopeOf } from '../scope.ts';

export function publicEdition(m: EditionManifest) {
  return { edition: m.edition, taken_at: m.taken_at, run_id: m.run_id, as_of: m.as_of, taken_by: m.taken_by, rows: m.rows };
}

/** `?edition=` when present: checked, and the edition must exist (404 otherwise). */
export async function requestedEdition(req: Request, reader: EditionReader | null): Promise<EditionManifest | undefined> {
  const edition = queryParam(req, 'edition', EDITION, zhEditions.errors.editionFormat);
  if (edition === undefined) return undefined;
  const manifest = await reader?.manifest(edition);
  if (!manifest) throw new HttpError(404, 'edition_not_found', zhEditions.errors.editionNotFound(edition));
  return manifest;
}

export function readerOf(app: AppContext): EditionReader {
  if (!app.editions) throw new HttpError(404, 'editions_off', zhEditions.errors.editionsOff);
  return app.editions.reader;
}

/** The revisions of an edition as the contract lists them, for the reader's scope. */
export async function editionRevisions(reader: EditionReader, edition: string, county: string | null): Promise<Revision[]> {
  return revisionsOf(await readRevisions(reader.dir), edition, county);
}

export function registerEditionsApi(router: Router, app: AppContext): void {
  router.get('/api/editions', async (_req, res) => {
    const list = await readerOf(app).list();
    res.set('Cache-Control', 'no-cache').json(list.map(publicEdition));
  });

  router.post('/api/editions', express.json({ limit: '1kb' }), async (req, res) => {
    const reader = readerOf(app);
    if (scopeOf(req).role !== 'admin') throw new HttpError(403, 'forbidden', zhEditions.errors.adminOnly);
    const edition = (req.body as { edition?: unknown } | undefined)?.edition;
    if (typeof edition !== 'string' || !EDITION.test(edition)) throw badParameter('edition', zhEditions.errors.editionFormat);
    try {
      const manifest = await takeEditionLocked({
        dir: reader.dir,
        warehouseFile: app.warehouse.file,
        edition,
        takenBy: req.user?.name ?? 'admin',
        trigger: 'api',
        now: app.today,
      });
      app.log.info('editions: edition taken', { edition, by: manifest.taken_by, run_id: manifest.run_id, rows: manifest.rows });
      // the audit line (edition.take, user, edition, outcome) is written by server/http/request-audit.ts
      res.status(201).json(publicEdition(manifest));
    } catch (error) {
      if (error instanceof EditionExistsError) throw new HttpError(409, 'edition_exists', zhEditions.errors.editionExists(edition));
      if (error instanceof RefreshBusyError) throw new HttpError(409, 'refresh_running', zhEditions.errors.refreshRunning);
      if (error instanceof NoPublishedWarehouseError) throw new HttpError(503, 'no_data', zhEditions.errors.noWarehouse);
      throw error;
    }
  });

  router.get('/api/revisions', async (req, res) => {
    const reader = readerOf(app);
    const manifest = await requestedEdition(req, reader);
    if (!manifest) throw badParameter('edition', zhEditions.errors.editionFormat);
    const rows = await editionRevisions(reader, manifest.edition, scopeOf(req).countyCode);
    res.set('Cache-Control', 'no-cache').json(rows);
  });
}
