// The columns of one file: the contract's columns (pipelines/contract/exports.ts) under their
// Chinese header or English alias, in the contract's order or shuffled, plus extra columns the
// contract does not know (序号, 备注, 承办人 …) that a reader must ignore.
import { TABLES, type TableKind } from '../contract/exports.ts';
import type { Random } from './random.ts';
import type { FileStyle } from './style.ts';

/** Extra columns per table; never a header or alias of that table. */
export const EXTRA_COLUMNS: Readonly<Record<TableKind, readonly string[]>> = {
  offices: ['序号', '备注', '填报单位'],
  staff: ['序号', '性别', '备注'],
  cases: ['序号', '承办人', '更新时间', '备注'],
  training: ['序号', '姓名', '所在单位', '备注'],
};

export interface Slot {
  /** The header text written. */
  header: string;
  /** The contract alias this column holds, or the extra column's name. */
  key: string;
  extra: boolean;
}

export function fileLayout(table: TableKind, style: FileStyle, random: Random): Slot[] {
  const slots: Slot[] = TABLES[table].columns.map((column) => {
    const english = style.headers === 'en' || (style.headers === 'mixed' && random.chance(0.5));
    let header = english ? aliasInCase(column.alias, style.aliasCase) : column.header;
    if (!english && style.halfWidthBrackets) header = header.replace(/（/g, '(').replace(/）/g, ')');
    if (style.spacedHeaders && random.chance(0.3)) header = english ? ` ${header}` : spaced(header, random);
    return { header, key: column.alias, extra: false };
  });
  let extras: Slot[] = [];
  if (style.extras) {
    extras = EXTRA_COLUMNS[table].filter((name, i) => i === 0 || random.chance(0.6)).map((name) => ({ header: name, key: name, extra: true }));
  }
  const serial = extras.find((s) => s.key === '序号');
  const others = extras.filter((s) => s.key !== '序号');
  const body = style.shuffled ? random.shuffled([...slots, ...others]) : [...slots, ...others];
  return serial ? [serial, ...body] : body;
}

function aliasInCase(alias: string, form: FileStyle['aliasCase']): string {
  if (form === 'upper') return alias.toUpperCase();
  if (form === 'title') return alias.replace(/(^|_)([a-z])/g, (_, sep: string, ch: string) => sep + ch.toUpperCase());
  return alias;
}

function spaced(header: string, random: Random): string {
  if (random.chance(0.5)) return ` ${header} `;
  const at = random.int(1, header.length - 1);
  return `${header.slice(0, at)} ${header.slice(at)}`;
}
