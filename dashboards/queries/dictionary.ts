// The data dictionary of the analyst database: every table and view analysts can query (the
// published marts and the documented views, pipelines/publish/analyst.ts), each with its
// Chinese description and each column with its type, Chinese description and a few example
// values. Descriptions come from the parsed project (the models' `@zh` / `@column` header
// lines, the same text the refresh writes as the analyst file's comments); types and examples
// are read from the published warehouse, whose marts the analyst file is a copy of (person
// keys and the other dropped columns left out here as there).
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadProject, references, type ColumnDoc } from '../../pipelines/models/project.ts';
import { analystViews, DROPPED_COLUMNS, publishedMarts } from '../../pipelines/publish/analyst.ts';
import { queryRows, quoteIdent } from '../../pipelines/warehouse/duckdb.ts';

export interface DictionaryColumn {
  name: string;
  type: string;
  description: string | null;
  /** Up to EXAMPLES distinct values among the first SAMPLE_ROWS rows, as display text. */
  examples: string[];
}

export interface DictionaryRelation {
  name: string;
  kind: 'table' | 'view';
  description: string | null;
  columns: DictionaryColumn[];
}

export interface Dictionary {
  relations: DictionaryRelation[];
}

const EXAMPLES = 3;
const SAMPLE_ROWS = 200;
/** Example text longer than this is cut: the dictionary shows what values look like. */
const MAX_EXAMPLE_CHARS = 40;

interface Documented {
  name: string;
  kind: 'table' | 'view';
  descriptionZh: string;
  columns: ColumnDoc[];
  /** The query whose rows the relation holds, over the warehouse's marts. */
  select: string;
  dropped: ReadonlySet<string>;
}

/** The analyst relations with their documentation, as the refresh publishes them. */
function documentedRelations(existing: ReadonlySet<string>): Documented[] {
  const marts = publishedMarts(loadProject().models).filter((m) => existing.has(m.name));
  const published = new Set(marts.map((m) => m.relation));
  return [
    ...marts.map((m) => ({
      name: m.name,
      kind: 'table' as const,
      descriptionZh: m.descriptionZh,
      columns: m.columns,
      select: `SELECT * FROM mart.${quoteIdent(m.name)}`,
      dropped: new Set(DROPPED_COLUMNS[m.relation] ?? []),
    })),
    ...analystViews()
      .filter((v) => references(v.sql).every((r) => published.has(r)))
      .map((v) => ({ name: v.name, kind: 'view' as const, descriptionZh: v.descriptionZh, columns: v.columns, select: v.sql, dropped: new Set<string>() })),
  ].sort((a, b) => a.name.localeCompare(b.name));
}

/** The dictionary over the published warehouse open on `connection` (read-only). */
export async function readDictionary(connection: DuckDBConnection): Promise<Dictionary> {
  const existing = new Set(
    (
      await queryRows<{ name: string }>(
        connection,
        "SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'mart'",
      )
    ).map((r) => r.name),
  );
  const relations: DictionaryRelation[] = [];
  for (const relation of documentedRelations(existing)) {
    const reader = await connection.runAndReadAll(`SELECT * FROM (${relation.select}) LIMIT ${SAMPLE_ROWS}`);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRowsJson();
    const docs = new Map(relation.columns.map((c) => [c.name, c.description]));
    relations.push({
      name: relation.name,
      kind: relation.kind,
      description: relation.descriptionZh || null,
      columns: names.flatMap((name, i) => {
        if (relation.dropped.has(name)) return [];
        const examples = new Set<string>();
        for (const row of rows) {
          const text = exampleText(row[i] ?? null);
          if (text !== null) examples.add(text);
          if (examples.size >= EXAMPLES) break;
        }
        return [{ name, type: types[i]!.toString(), description: docs.get(name) ?? null, examples: [...examples] }];
      }),
    });
  }
  return { relations };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A value as the dictionary shows it: decimals rounded, lists joined, long text cut; null for no value. */
export function exampleText(value: Json): string | null {
  if (value === null || value === '') return null;
  let text: string;
  if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
  else if (Array.isArray(value)) text = value.length === 0 ? '（空）' : value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('、');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else if (typeof value === 'string' && /^-?\d+\.\d{5,}$/.test(value)) text = String(Number(Number(value).toFixed(4)));
  else text = String(value);
  return [...text].length > MAX_EXAMPLE_CHARS ? `${[...text].slice(0, MAX_EXAMPLE_CHARS).join('')}…` : text;
}
