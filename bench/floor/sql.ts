// The floor's statement for one file: DuckDB's read_csv of the UTF-8 copy (dialect given, all
// cells VARCHAR) into a table, each contract column parsed to its type by the macros of
// typed-parsing.sql. Generated here because each file has its own columns: names and literals only.
import { readFileSync } from 'node:fs';
import type { ColumnType } from '../../pipelines/contract/exports.ts';
import { quoteIdent, quoteLiteral } from '../../pipelines/warehouse/duckdb.ts';
import type { FloorFile } from './plan.ts';

export const TYPED_PARSING_SQL = readFileSync(new URL('./typed-parsing.sql', import.meta.url), 'utf8');

const PARSER: Record<ColumnType, string | null> = {
  date: 'floor_date',
  number: 'floor_number',
  int: 'floor_int',
  bool: 'floor_bool',
  text: null,
  enum: null,
  list: null,
};

export function floorTableSql(file: FloorFile, tableName: string): string {
  const cells = Array.from({ length: file.width }, (_, i) => `${quoteLiteral(`c${i}`)}: 'VARCHAR'`).join(', ');
  const select = file.columns.map((column) => {
    const cell = quoteIdent(`c${column.position}`);
    const parser = PARSER[column.type];
    return `${parser ? `${parser}(${cell})` : cell} AS ${quoteIdent(column.alias)}`;
  });
  return `CREATE TABLE ${quoteIdent(tableName)} AS
SELECT ${select.join(', ')}
FROM read_csv(${quoteLiteral(file.path)},
  auto_detect = false, header = true, delim = ',', quote = '"', escape = '"',
  columns = {${cells}}, null_padding = true, strict_mode = false, max_line_size = 67108864)`;
}
