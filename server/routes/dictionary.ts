// GET /api/dictionary: the data dictionary of the analyst database (dashboards/queries/
// dictionary.ts) as JSON, for the /dictionary page and the console's side panel and completion;
// `?format=csv` or `?format=xlsx`: one row per column (表, 列, 类型, 说明, 示例值) to keep or print.
// Read once per warehouse generation. Access: analysts and up, city-wide only (the console's
// audience: server/auth/access-rules.ts).
import type { Router } from 'express';
import { zhConsole } from '../../dashboards/i18n/zh-console.ts';
import { readDictionary, type Dictionary } from '../../dashboards/queries/dictionary.ts';
import type { AppContext } from '../app-context.ts';
import { toCsv, type CsvColumn } from '../http/csv.ts';
import { badParameter } from '../http/errors.ts';
import { toXlsx, XLSX_TYPE } from '../http/xlsx.ts';

const t = zhConsole.dictionary;

const COLUMNS: CsvColumn[] = [
  { key: 'relation', label: t.relation },
  { key: 'relationDescription', label: t.relationDescription },
  { key: 'column', label: t.column },
  { key: 'type', label: t.type },
  { key: 'description', label: t.description },
  { key: 'examples', label: t.examples },
];

/** One row per column of every relation, for the CSV and Excel downloads. */
export function dictionaryRows(dictionary: Dictionary): Record<string, string>[] {
  return dictionary.relations.flatMap((r) =>
    r.columns.map((c) => ({
      relation: `mart.${r.name}`,
      relationDescription: r.description ?? '',
      column: c.name,
      type: c.type,
      description: c.description ?? '',
      examples: c.examples.join('；'),
    })),
  );
}

export function registerDictionaryApi(router: Router, app: AppContext): void {
  router.get('/api/dictionary', async (req, res) => {
    const format = req.query.format ?? 'json';
    if (format !== 'json' && format !== 'csv' && format !== 'xlsx') throw badParameter('format', t.formatHint);
    const dictionary = await app.warehouse.use((session) => app.cache.get(session.generation, 'api:dictionary', () => readDictionary(session.connection)));
    res.set('Cache-Control', 'private, no-cache');
    if (format === 'json') {
      res.json(dictionary);
      return;
    }
    const rows = dictionaryRows(dictionary);
    if (format === 'csv') res.type('text/csv; charset=utf-8').attachment('data_dictionary.csv').send(toCsv(COLUMNS, rows));
    else res.type(XLSX_TYPE).attachment('data_dictionary.xlsx').send(await toXlsx(COLUMNS, rows, t.title));
  });
}
