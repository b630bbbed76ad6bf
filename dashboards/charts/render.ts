// Server-side rendering of the charts: Observable Plot with linkedom's document gives SVG markup
// for the first paint and for print; each chart comes in a <figure> with its legend, its data
// (JSON, for the browser to re-render with tips) and its download links.
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { html, raw, scriptJson, escapeHtml, type SafeHtml } from '../html.ts';
import { toXml, xmlText } from './svg-xml.ts';
import { zh } from '../i18n/zh.ts';
import { zhConsole } from '../i18n/zh-console.ts';
import { legendItems, plotOptions, type ChartPayload, type LegendItem } from './kinds.ts';
import { FONT_FAMILY } from './palette.ts';

/** Rows for the "下载数据 CSV" link, with Chinese column labels. */
export interface CsvTable {
  columns: { key: string; label: string }[];
  rows: Record<string, string | number | boolean | null>[];
}

export interface ChartSpec {
  /** Unique within its page; names the chart in download links (`?chart=ID&format=csv`). */
  id: string;
  payload: ChartPayload;
  table: CsvTable;
}

// Plot creates detached elements only, so one document serves every render.
const { document } = parseHTML('<!DOCTYPE html><html lang="zh-CN"><body></body></html>');

/** The chart as an <svg> element's markup (no client script needed to show it). */
export function renderChartSvg(payload: ChartPayload): string {
  return (plotElement(payload) as unknown as { outerHTML: string }).outerHTML;
}

function plotElement(payload: ChartPayload): Element {
  return Plot.plot({
    ...plotOptions(payload, { interactive: false, width: payload.width }),
    document: document as unknown as Document,
  }) as unknown as Element;
}

/** A standalone SVG file of the chart: title, the chart, its legend; opens in any viewer. */
export function standaloneSvg(payload: ChartPayload): string {
  const element = plotElement(payload);
  const width = payload.width;
  const chartHeight = Number(element.getAttribute('height')) || 400;
  const items = legendItems(payload);
  const titleHeight = 32;
  const legend = layoutLegend(items, width);
  const total = titleHeight + legend.height + chartHeight + 8;
  // Written as XML (svg-xml.ts): names may hold `<`, `&` or quotes, in text and in attributes.
  const nested = toXml(element as unknown as Parameters<typeof toXml>[0], ` xmlns="http://www.w3.org/2000/svg" x="0" y="${titleHeight + legend.height}"`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}" font-family='${FONT_FAMILY}'>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="0" y="20" font-size="16" font-weight="bold" fill="#1f2933">${xmlText(payload.title)}</text>`,
    `<g transform="translate(0 ${titleHeight})">${legend.markup}</g>`,
    nested,
    '</svg>',
  ].join('\n');
}

function layoutLegend(items: LegendItem[], width: number): { markup: string; height: number } {
  if (items.length === 0) return { markup: '', height: 0 };
  let x = 0;
  let y = 10;
  const parts: string[] = [];
  for (const item of items) {
    const itemWidth = 24 + [...item.label].length * 13;
    if (x > 0 && x + itemWidth > width) {
      x = 0;
      y += 22;
    }
    parts.push(`<g transform="translate(${x} ${y})">${svgSymbol(item)}<text x="20" y="4" font-size="12" fill="#1f2933">${xmlText(item.label)}</text></g>`);
    x += itemWidth + 12;
  }
  return { markup: parts.join(''), height: y + 16 };
}

function svgSymbol(item: LegendItem): string {
  const c = item.color;
  switch (item.shape) {
    case 'square':
      return `<rect x="0" y="-6" width="12" height="12" fill="${c}"/>`;
    case 'circle':
      return `<circle cx="6" cy="0" r="5" fill="${c}"/>`;
    case 'times':
      return `<path d="M1,-5L11,5M1,5L11,-5" stroke="${c}" stroke-width="2"/>`;
    case 'triangle':
      return `<path d="M6,-6L12,5L0,5Z" fill="none" stroke="${c}" stroke-width="1.6"/>`;
    case 'diamond':
      return `<path d="M6,-6L12,0L6,6L0,0Z" fill="white" stroke="${c}" stroke-width="2"/>`;
    case 'tick':
      return `<path d="M6,-7V7" stroke="${c}" stroke-width="2"/>`;
    case 'line':
      return `<path d="M0,0H14" stroke="${c}" stroke-width="3"/>`;
    case 'thinLine':
      return `<path d="M0,0H14" stroke="${c}" stroke-width="1.5"/>`;
  }
}

/** The legend as an HTML list (symbols as tiny inline SVG, the words as text). */
export function legendHtml(items: LegendItem[]): SafeHtml {
  if (items.length === 0) return html``;
  return html`<ul class="legend">${items.map(
    (item) => html`<li><svg width="14" height="14" viewBox="0 -7 14 14" aria-hidden="true">${raw(svgSymbol(item))}</svg>${item.label}</li>`,
  )}</ul>`;
}

export interface ChartLinks {
  csv: string;
  svg: string;
  /** The data as Excel; default: the CSV link with format=xlsx. */
  xlsx?: string;
}

/** A chart in its figure: heading, description, legend, server-rendered SVG, downloads, data. */
export function chartFigure(spec: ChartSpec, links: ChartLinks, options: { headingLevel?: 2 | 3; hint?: string } = {}): SafeHtml {
  const { payload } = spec;
  const heading = options.headingLevel === 2 ? html`<h2 class="chart-title">${payload.title}</h2>` : html`<h3 class="chart-title">${payload.title}</h3>`;
  return html`<figure class="chart" id="chart-${spec.id}" data-chart-id="${spec.id}">
  <figcaption>${heading}<p class="chart-description">${payload.description}${options.hint ? html` <span class="chart-hint">${options.hint}</span>` : ''}</p></figcaption>
  ${legendHtml(legendItems(payload))}
  <div class="chart-plot">${raw(renderChartSvg(payload))}</div>
  <div class="chart-actions">
    <a class="button-link" href="${links.csv}" download="${spec.id}.csv">${zh.chart.downloadCsv}</a>
    <a class="button-link" href="${links.xlsx ?? links.csv.replace(/([?&]format=)csv\b/, '$1xlsx')}" download="${spec.id}.xlsx">${zhConsole.downloads.chartXlsx}</a>
    <a class="button-link" href="${links.svg}" download="${spec.id}.svg">${zh.chart.downloadSvg}</a>
    <button type="button" class="button-link" data-download-png="${spec.id}" hidden>${zh.chart.downloadPng}</button>
  </div>
  <script type="application/json" class="chart-payload">${scriptJson(payload)}</script>
</figure>`;
}
