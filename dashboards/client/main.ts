// The browser's part, added on top of pages that already work without it: charts re-rendered
// at their container's width with Plot's pointer tips, legend entries that filter a chart,
// PNG downloads, sortable tables, clickable table rows, filters that apply on choosing, print.
import * as Plot from '@observablehq/plot';
import { plotOptions, type ChartPayload } from '../charts/kinds.ts';
import { initConsole } from './console.ts'; // SQL console page (access area)
import { initValidate } from './validate.ts'; // 预检 page (clerk area)
import { initDictionaryPage } from './dictionary.ts'; // data dictionary page (console area)

function hydrateChart(figure: HTMLElement): void {
  const script = figure.querySelector<HTMLScriptElement>('script.chart-payload');
  const container = figure.querySelector<HTMLElement>('.chart-plot');
  if (!script || !container) return;
  let payload: ChartPayload;
  try {
    payload = JSON.parse(script.textContent ?? '') as ChartPayload;
  } catch {
    return;
  }
  const hidden = new Set<string>();
  const draw = () => {
    const width = Math.max(320, Math.floor(container.clientWidth));
    const shown = filtered(payload, hidden);
    try {
      const svg = Plot.plot(plotOptions({ ...shown, width }, { interactive: true, width }));
      container.replaceChildren(svg);
    } catch (error) {
      // keep the server's SVG: it shows the same data
      console.warn('chart re-render failed', (error as Error).message);
    }
  };
  draw();
  let lastWidth = container.clientWidth;
  new ResizeObserver(() => {
    if (Math.abs(container.clientWidth - lastWidth) < 8) return;
    lastWidth = container.clientWidth;
    draw();
  }).observe(container);
  makeLegendFilter(figure, payload, hidden, draw);
}

/** The payload without the hidden categories (business lines, training groups). */
function filtered(payload: ChartPayload, hidden: Set<string>): ChartPayload {
  if (hidden.size === 0) return payload;
  if (payload.kind === 'monthly') return { ...payload, data: payload.data.filter((d) => !hidden.has(d.line)) };
  if (payload.kind === 'training') return { ...payload, data: payload.data.filter((d) => !hidden.has(d.group)) };
  return payload;
}

/** Legend entries of filterable charts become toggle buttons. */
function makeLegendFilter(figure: HTMLElement, payload: ChartPayload, hidden: Set<string>, draw: () => void): void {
  if (payload.kind !== 'monthly' && payload.kind !== 'training') return;
  for (const item of figure.querySelectorAll<HTMLLIElement>('.legend li')) {
    const label = item.textContent?.trim() ?? '';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'legend-toggle';
    button.setAttribute('aria-pressed', 'true');
    button.append(...item.childNodes);
    button.addEventListener('click', () => {
      if (hidden.has(label)) hidden.delete(label);
      else hidden.add(label);
      button.setAttribute('aria-pressed', String(!hidden.has(label)));
      draw();
    });
    item.replaceChildren(button);
  }
  figure.querySelector('.legend')?.classList.add('legend-interactive');
}

async function downloadPng(button: HTMLButtonElement): Promise<void> {
  const figure = button.closest('figure');
  const svgLink = figure?.querySelector<HTMLAnchorElement>('a[download$=".svg"]');
  if (!svgLink) return;
  const response = await fetch(svgLink.href);
  const svgText = await response.text();
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('image'));
      image.src = url;
    });
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth * scale;
    canvas.height = image.naturalHeight * scale;
    const context = canvas.getContext('2d');
    if (!context) return;
    context.fillStyle = 'white';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${button.dataset.downloadPng ?? 'chart'}.png`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function sortKey(cell: Element | undefined): string | number {
  if (!cell) return '';
  const raw = (cell as HTMLElement).dataset.sort ?? cell.textContent?.trim() ?? '';
  const n = Number(raw);
  return raw !== '' && Number.isFinite(n) ? n : raw;
}

function makeSortable(table: HTMLTableElement): void {
  const headers = [...table.querySelectorAll<HTMLTableCellElement>('thead th')];
  for (const button of table.querySelectorAll<HTMLButtonElement>('thead .sort-button')) {
    button.addEventListener('click', () => {
      const th = button.closest('th')!;
      const column = Number(button.dataset.column);
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      for (const h of headers) if (h.hasAttribute('aria-sort')) h.setAttribute('aria-sort', 'none');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const body = table.tBodies[0];
      if (!body) return;
      const rows = [...body.rows];
      rows.sort((a, b) => {
        const x = sortKey(a.cells[column]);
        const y = sortKey(b.cells[column]);
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'zh-CN');
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  }
}

function makeRowsClickable(): void {
  document.addEventListener('click', (event) => {
    const target = event.target as Element;
    if (target.closest('a, button, input, select, label')) return;
    const row = target.closest<HTMLTableRowElement>('tr[data-href]');
    if (row?.dataset.href) window.location.assign(row.dataset.href);
  });
}

function autoSubmitFilters(): void {
  for (const select of document.querySelectorAll<HTMLSelectElement>('select[data-autosubmit]')) {
    // apply on a pointer choice; keyboard users move through options and press 应用
    let byPointer = false;
    select.addEventListener('pointerdown', () => (byPointer = true));
    select.addEventListener('keydown', () => (byPointer = false));
    select.addEventListener('change', () => {
      if (byPointer) select.form?.requestSubmit();
    });
  }
}

function start(): void {
  for (const figure of document.querySelectorAll<HTMLElement>('figure.chart')) hydrateChart(figure);
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-download-png]')) {
    button.hidden = false;
    button.addEventListener('click', () => void downloadPng(button).catch((error: Error) => console.warn('PNG download failed', error.message)));
  }
  for (const table of document.querySelectorAll<HTMLTableElement>('table.data-table')) makeSortable(table);
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
  makeRowsClickable();
  autoSubmitFilters();
  initConsole(); // SQL console page (access area)
  initValidate(); // 预检 page (clerk area)
  initDictionaryPage(); // data dictionary page (console area)
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
