// The console's pure helpers (dashboards/client/): what the quick chart picks, what completion
// offers at the cursor, and the `?q=` encoding of shared queries.
import { describe, expect, it } from 'vitest';
import { suggest } from '../../dashboards/client/completion.ts';
import type { DictionaryAnswer } from '../../dashboards/client/dictionary.ts';
import { chooseChart, markFor, type Column } from '../../dashboards/client/quick-chart.ts';
import { decodeQuery, encodeQuery, shareUrl } from '../../dashboards/client/saved-queries.ts';

const col = (name: string, kind: Column['kind'], type = kind.toUpperCase()): Column => ({ name, kind, type });
const VALUES: Column[] = [
  col('indicator_id', 'text'),
  col('period', 'text'),
  col('grain', 'text'),
  col('unit_code', 'text'),
  col('unit_name', 'text'),
  col('numerator', 'number'),
  col('denominator', 'number'),
  col('value', 'number'),
  col('target', 'number'),
  col('meets_target', 'boolean'),
  col('as_of', 'date'),
];
const row = (unit: string, period: string, value: number) => ({ indicator_id: 'reform_index', period, grain: 'county', unit_code: unit, unit_name: `${unit}县`, numerator: value * 7, denominator: 7, value, target: null, meets_target: null, as_of: `${period}-12-31` });

describe('the quick chart', () => {
  it('never draws as_of against numerator: a category and the value instead', () => {
    const rows = [row('331102', '2025', 0.9), row('331121', '2025', 0.88)];
    const choice = chooseChart(VALUES, rows);
    expect(choice).toEqual({ x: 'unit_name', y: 'value' });
    expect(markFor(choice!, VALUES, rows)).toBe('bar');
  });

  it('draws a line over years when the period varies, dots when a category repeats', () => {
    const rows = [row('331102', '2024', 0.8), row('331102', '2025', 0.9), row('331121', '2024', 0.7), row('331121', '2025', 0.88)];
    expect(chooseChart(VALUES, rows)).toEqual({ x: 'period', y: 'value' });
    expect(markFor({ x: 'period', y: 'value' }, VALUES, rows)).toBe('line');
    expect(markFor({ x: 'unit_name', y: 'value' }, VALUES, rows)).toBe('dots');
  });

  it('asks when there is no measure, and never takes a code or an order as the measure', () => {
    expect(chooseChart([col('unit_code', 'text'), col('unit_name', 'text')], [{ unit_code: '1', unit_name: 'a' }])).toBeNull();
    expect(chooseChart([col('item', 'text'), col('sort_order', 'integer')], [{ item: 'a', sort_order: 1 }])).toBeNull();
    expect(chooseChart([col('county_name', 'text'), col('display_order', 'integer'), col('rejected_rows', 'integer')], [{ county_name: 'a', display_order: 1, rejected_rows: 3 }])).toEqual({
      x: 'county_name',
      y: 'rejected_rows',
    });
  });
});

const DICTIONARY: DictionaryAnswer = {
  relations: [
    { name: 'indicator_catalog', kind: 'table', description: '指标目录', columns: [{ name: 'indicator_id', type: 'VARCHAR', description: '指标代码', examples: [] }, { name: 'name_zh', type: 'VARCHAR', description: '指标中文名称', examples: [] }] },
    { name: 'indicator_values', kind: 'table', description: '指标值', columns: [{ name: 'unit_name', type: 'VARCHAR', description: '单位名称', examples: [] }, { name: 'value', type: 'DOUBLE', description: '指标值', examples: [] }] },
    { name: 'units', kind: 'table', description: '统计单位', columns: [{ name: 'unit_name', type: 'VARCHAR', description: '单位名称', examples: [] }, { name: 'office_count', type: 'INTEGER', description: '司法所数', examples: [] }] },
  ],
};

const at = (sql: string) => suggest(sql, sql.length, DICTIONARY);
const texts = (sql: string) => at(sql)?.suggestions.map((s) => s.text) ?? [];

describe('completion', () => {
  it('offers table names after mart. and for a prefix', () => {
    expect(texts('SELECT * FROM mart.indi')).toEqual(['indicator_catalog', 'indicator_values']);
    expect(at('SELECT * FROM mart.indi')?.from).toBe('SELECT * FROM mart.'.length);
    expect(texts('SELECT * FROM un')).toEqual(['units']);
  });

  it('offers the columns of the tables in the query, through aliases too', () => {
    expect(texts('SELECT va FROM mart.indicator_values')).toEqual([]); // cursor at the end: nothing to complete
    const sql = 'SELECT v.u';
    expect(suggest(`${sql} FROM mart.indicator_values AS v`, sql.length, DICTIONARY)?.suggestions.map((s) => s.text)).toEqual(['unit_name']);
    const bare = 'SELECT off';
    expect(suggest(`${bare} FROM units`, bare.length, DICTIONARY)?.suggestions.map((s) => s.text)).toEqual(['office_count']);
    expect(suggest(`${bare} FROM units`, bare.length, DICTIONARY)?.suggestions[0]?.description).toBe('司法所数');
  });

  it('offers nothing for a whole SQL keyword, so Enter after DESC or AS starts a new line', () => {
    expect(at('SELECT * FROM mart.indicator_catalog ORDER BY display_order DESC')).toBeNull();
    expect(at('SELECT indicator_id AS')).toBeNull();
    // A column of the query's table first, then table names.
    expect(texts('SELECT * FROM mart.indicator_catalog WHERE ind')).toEqual(['indicator_id', 'indicator_catalog', 'indicator_values']);
  });

  it('offers nothing inside a string or a comment', () => {
    expect(at("SELECT * FROM units WHERE unit_name = 'uni")).toBeNull();
    expect(at('-- uni')).toBeNull();
  });
});

describe('shared queries', () => {
  it('round-trips Chinese SQL through base64url and rejects what is not', () => {
    const sql = "SELECT * FROM mart.units WHERE unit_name = '莲都区' -- 备注 ?&=";
    const encoded = encodeQuery(sql);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeQuery(encoded)).toBe(sql);
    expect(decodeQuery('not base64!')).toBeNull();
    expect(decodeQuery('_w')).toBeNull(); // 0xFF: not UTF-8
    const url = new URL(shareUrl(sql, 'http://h/console?q=old#x')!);
    expect(url.pathname).toBe('/console');
    expect(decodeQuery(url.searchParams.get('q')!)).toBe(sql);
    expect(shareUrl('x'.repeat(5000), 'http://h/console')).toBeNull();
  });
});
