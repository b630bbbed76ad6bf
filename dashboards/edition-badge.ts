// The badge of a live figure that differs from the last edition's: every figure a page shows
// carries its row's key and exact value in data-* attributes (indicator-views.ts), so the page's
// HTML is read once after rendering and each figure whose value moved by more than 1e-9 since
// the last edition (or that the edition did not have) gets data-edition-differs (the badge text,
// drawn by CSS) and a title with the edition's value.
import { formatIndicator } from './format.ts';
import { zhEditions } from './i18n/zh-editions.ts';
import type { ShownEdition } from './queries/frozen.ts';

const FIGURE = /data-indicator="([^"]*)" data-period="([^"]*)" data-grain="([^"]*)" data-unit="([^"]*)" data-value="([^"]*)"/g;

export function markDifferences(pageHtml: string, last: ShownEdition): { html: string; differing: number } {
  const frozen = new Map(last.rows.map((r) => [`${r.indicator_id}|${r.period}|${r.grain}|${r.unit_code}`, r.value]));
  const edition = last.manifest.edition;
  const badge = zhEditions.differsBadge(Number(edition.slice(5, 7)));
  let differing = 0;
  const html = pageHtml.replace(FIGURE, (match, indicator: string, period: string, grain: string, unit: string, value: string) => {
    const old = frozen.get(`${indicator}|${period}|${grain}|${unit}`);
    if (old !== undefined && Math.abs(old - Number(value)) <= 1e-9) return match;
    differing++;
    const was = old === undefined ? '—' : formatIndicator(indicator, old);
    return `${match} data-edition-differs="${badge}" title="${zhEditions.differsTitle(edition, was)}"`;
  });
  return { html, differing };
}
