// The monthly report of an edition (GET /report?edition=YYYY-MM and /report.pdf?edition=…):
// the frozen rows in the reader's scope, the previous edition's for the change of rank, the
// revisions of this and earlier editions, the catalog from the published warehouse.
import type { Request } from 'express';
import { renderEditionReport } from '../../dashboards/pages/edition-report.ts';
import { catalog } from '../../dashboards/queries/marts.ts';
import { readRevisions } from '../../pipelines/editions/revisions.ts';
import type { EditionManifest } from '../../pipelines/editions/store.ts';
import type { AppContext } from '../app-context.ts';
import { scopeOf } from '../scope.ts';
import { frozenValues } from '../../dashboards/queries/frozen.ts';
import { readerOf } from './routes.ts';

export async function editionReportHtml(app: AppContext, req: Request, manifest: EditionManifest, forPdf: boolean): Promise<string> {
  const reader = readerOf(app);
  const county = scopeOf(req).countyCode;
  const scoped = async (edition: string) => frozenValues((await reader.rows(edition)) ?? [], { county });
  const rows = await scoped(manifest.edition);
  const earlier = (await reader.list()).filter((m) => m.edition < manifest.edition).at(-1);
  const previous = earlier ? { manifest: earlier, rows: await scoped(earlier.edition) } : null;
  const revisions = (await readRevisions(reader.dir)).filter((r) => r.edition <= manifest.edition && (county === null || r.county_code === county));
  const entries = await app.warehouse.use((session) => app.cache.get(session.generation, 'catalog', () => catalog(session.db)));
  const countyRow = county ? rows.find((r) => r.grain === 'county' && r.unit_code === county) : undefined;
  return renderEditionReport({
    manifest,
    rows,
    previous,
    revisions,
    catalog: entries,
    county: county ? { code: county, name: countyRow?.unit_name ?? county } : null,
    issuingOffice: app.editions!.issuingOffice,
    forPdf,
    css: app.assets.files.get('edition-report.css')?.body.toString('utf8') ?? '',
  });
}
