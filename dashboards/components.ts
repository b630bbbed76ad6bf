// Small HTML building blocks shared by the pages: status badges, value cells with the exact
// value in data attributes, sortable tables, key figures.
import { html, SafeHtml } from './html.ts';
import { zh } from './i18n/zh.ts';
import { statusLabel, type Status } from './status.ts';

export function statusBadge(status: Status): SafeHtml {
  const { label, icon } = statusLabel(status);
  return html`<span class="status status-${status}"><span class="status-icon" aria-hidden="true">${icon}</span>${label}</span>`;
}

export function yesNo(value: boolean | null | undefined): string {
  if (value === null || value === undefined) return zh.yesNo.unknown;
  return value ? zh.yesNo.yes : zh.yesNo.no;
}

export interface Column {
  label: string;
  numeric?: boolean;
  /** Sortable by the browser script (a button in the header). */
  sortable?: boolean;
  /** Long text (messages): may wrap; other cells stay on one line. */
  wrap?: boolean;
}

export interface Cell {
  content: SafeHtml | string | number;
  /** The value to sort by (numbers sort as numbers); defaults to the text. */
  sort?: string | number | null;
  /** Extra attributes as data-* (e.g. the exact indicator value the cell shows). */
  data?: Record<string, string | number>;
  className?: string;
}

export interface Row {
  cells: (Cell | SafeHtml | string | number)[];
  /** Whole-row link (the browser script makes the row clickable; the first link works without it). */
  href?: string;
  className?: string;
}

const WORDS = new Intl.Segmenter('zh-CN', { granularity: 'word' });

/**
 * A header label that may wrap only between words: the CSS keeps Chinese from breaking between
 * any two characters (word-break: keep-all), and a <wbr> between the words (ICU's dictionary)
 * lets 重点所所长<wbr>法律<wbr>专业… wrap where a reader would.
 */
export function headerLabel(label: string): SafeHtml {
  return html`${headerWords(label).map((w, i) => (i === 0 ? html`${w}` : html`<wbr>${w}`))}`;
}

/** The label's words; a one-character word stays with the one before it (背景占比, not 背景占|比). */
export function headerWords(label: string): string[] {
  const words: string[] = [];
  for (const { segment } of WORDS.segment(label)) {
    const last = words[words.length - 1];
    if (last !== undefined && (segment.length < 2 || last.length < 2)) words[words.length - 1] = last + segment;
    else words.push(segment);
  }
  return words;
}

function asCell(cell: Cell | SafeHtml | string | number): Cell {
  return cell instanceof SafeHtml || typeof cell !== 'object' ? { content: cell } : cell;
}

export function dataAttributes(data: Record<string, string | number> | undefined): SafeHtml {
  if (!data) return html``;
  return html`${Object.entries(data).map(([k, v]) => html` data-${k}="${String(v)}"`)}`;
}

export interface TableOptions {
  id: string;
  caption: string;
  columns: Column[];
  rows: Row[];
  empty?: string;
  /** The order the rows already come in (marked on that header for screen readers and the sort script). */
  sorted?: { column: number; direction: 'ascending' | 'descending' };
}

export function dataTable(options: TableOptions): SafeHtml {
  if (options.rows.length === 0) return html`<p class="empty">${options.empty ?? zh.app.noData}</p>`;
  // a region that scrolls sideways on a phone: focusable (keyboard users scroll it with arrows), named by its caption
  return html`<div class="table-wrap" role="region" tabindex="0" aria-label="${options.caption}"><table class="data-table" id="${options.id}">
  <caption>${options.caption}</caption>
  <thead><tr>${options.columns.map(
    (c, i) =>
      html`<th scope="col" class="${[c.numeric ? 'numeric' : '', c.wrap ? 'wrap' : ''].join(' ').trim()}"${c.sortable ? html` aria-sort="${options.sorted?.column === i ? options.sorted.direction : 'none'}"` : ''}>${
        c.sortable ? html`<button type="button" class="sort-button" data-column="${i}">${headerLabel(c.label)}<span class="sort-icon" aria-hidden="true"></span></button>` : html`<span class="th-label">${headerLabel(c.label)}</span>`
      }</th>`,
  )}</tr></thead>
  <tbody>${options.rows.map(
    (row) =>
      html`<tr${row.href ? html` data-href="${row.href}" class="linked-row ${row.className ?? ''}"` : row.className ? html` class="${row.className}"` : ''}>${row.cells.map((raw, i) => {
        const cell = asCell(raw);
        const column = options.columns[i];
        const cls = [column?.numeric ? 'numeric' : '', column?.wrap ? 'wrap' : '', cell.className ?? ''].join(' ').trim();
        const tag = i === 0 ? 'th' : 'td';
        const sort = cell.sort === undefined || cell.sort === null ? '' : html` data-sort="${String(cell.sort)}"`;
        return tag === 'th'
          ? html`<th scope="row"${cls ? html` class="${cls}"` : ''}${sort}${dataAttributes(cell.data)}>${cell.content}</th>`
          : html`<td${cls ? html` class="${cls}"` : ''}${sort}${dataAttributes(cell.data)}>${cell.content}</td>`;
      })}</tr>`,
  )}</tbody>
</table></div>`;
}

export interface KeyFigure {
  label: string;
  value: string;
  unit?: string;
  note?: string;
  /** data-* attributes of the figure (e.g. the exact indicator value it shows). */
  data?: Record<string, string | number>;
}

export function keyFigures(figures: KeyFigure[]): SafeHtml {
  return html`<dl class="key-figures">${figures.map(
    (f) => html`<div class="key-figure"${dataAttributes(f.data)}><dt>${f.label}</dt><dd><span class="key-value value-text">${f.value}</span>${f.unit ? html`<span class="key-unit">${f.unit}</span>` : ''}${f.note ? html`<span class="key-note">${f.note}</span>` : ''}</dd></div>`,
  )}</dl>`;
}

export function section(id: string, title: string, content: SafeHtml | SafeHtml[], intro?: string): SafeHtml {
  return html`<section class="panel" aria-labelledby="${id}-heading"><h2 id="${id}-heading">${title}</h2>${intro ? html`<p class="panel-intro">${intro}</p>` : ''}${content}</section>`;
}

/** The data-* attributes that tie a shown number to its row of mart.indicator_values. */
export function indicatorData(row: { indicator_id: string; period: string; grain: string; unit_code: string; value: number }): Record<string, string> {
  return { indicator: row.indicator_id, period: row.period, grain: row.grain, unit: row.unit_code, value: String(row.value) };
}
