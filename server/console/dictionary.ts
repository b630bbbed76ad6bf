// The data dictionary of the analyst database: every table and view of schema `mart` with its
// Chinese description, each column with its type, Chinese description and a few example
// values. Descriptions are the comments the refresh wrote from the models' `@zh` / `@column`
// header lines (pipelines/publish/analyst.ts); examples are read from the file itself, through
// the console engine (so its guard, time limit and queue apply), once per analyst file.
import { randomUUID } from 'node:crypto';
import type { ConsoleEngine, SchemaRelation } from './engine.ts';
import { jsonRows, type JsonCell, type ResultColumn } from './result-formats.ts';

export interface DictionaryColumn {
  name: string;
  type: string;
  description: string | null;
  /** Up to EXAMPLES distinct values seen in the first SAMPLE_ROWS rows, as display text. */
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
/** Example text longer than this is cut: a dictionary shows what values look like, not them all. */
const MAX_EXAMPLE_CHARS = 40;

export class DictionaryService {
  // Keyed by the engine's schema answer, which is one object per analyst file: a newer file
  // (a refresh published) gives a new schema and so a new dictionary.
  private readonly cache = new WeakMap<SchemaRelation[], Promise<Dictionary>>();

  constructor(private readonly engine: ConsoleEngine) {}

  async dictionary(): Promise<Dictionary> {
    const schema = await this.engine.schema();
    let built = this.cache.get(schema);
    if (!built) {
      built = this.build(schema);
      this.cache.set(schema, built);
      built.catch(() => this.cache.delete(schema));
    }
    return built;
  }

  private async build(schema: SchemaRelation[]): Promise<Dictionary> {
    const relations: DictionaryRelation[] = [];
    // One relation at a time: the dictionary must not take every console connection at once.
    for (const relation of schema) {
      const examples = await this.examples(relation);
      relations.push({
        name: relation.name,
        kind: relation.kind,
        description: relation.comment,
        columns: relation.columns.map((c) => ({ name: c.name, type: c.type, description: c.comment, examples: examples.get(c.name) ?? [] })),
      });
    }
    return { relations };
  }

  private async examples(relation: SchemaRelation): Promise<Map<string, string[]>> {
    const found = new Map<string, Set<string>>();
    let columns: ResultColumn[] = [];
    await this.engine.run(
      { id: `dict-${randomUUID()}`, userName: '(data dictionary)', sql: `SELECT * FROM mart."${relation.name.replaceAll('"', '""')}" LIMIT ${SAMPLE_ROWS}` },
      {
        columns: (c) => {
          columns = c;
        },
        chunk: (chunk) => {
          for (const row of jsonRows(chunk, columns)) {
            columns.forEach((column, i) => {
              const text = exampleText(row[i] ?? null);
              if (text === null) return;
              const seen = found.get(column.name) ?? new Set<string>();
              if (seen.size < EXAMPLES) seen.add(text);
              found.set(column.name, seen);
            });
          }
        },
      },
      SAMPLE_ROWS,
    );
    return new Map([...found].map(([name, values]) => [name, [...values]]));
  }
}

/** A value as the dictionary shows it: numbers rounded, lists joined, long text cut; null for no value. */
export function exampleText(value: JsonCell): string | null {
  if (value === null || value === '') return null;
  let text: string;
  if (typeof value === 'number') text = Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
  else if (Array.isArray(value)) text = value.length === 0 ? '[]' : value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('、');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else text = value;
  return [...text].length > MAX_EXAMPLE_CHARS ? `${[...text].slice(0, MAX_EXAMPLE_CHARS).join('')}…` : text;
}
