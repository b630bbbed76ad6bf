// 指标说明 /indicators — the indicator catalog: per task of the plan, each indicator's
// definition, numerator and denominator, target and the clause of the plan it measures.
import { SEED_PLAN_TASKS } from '../../pipelines/contract/seeds.ts';
import { html } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { formatIndicator, formatPercent } from '../format.ts';
import { zhDisplay } from '../i18n/zh-display.ts';
import { dataAttributes, indicatorData } from '../components.ts';
import { pageHref, type Page, type PageContext } from '../page.ts';
import { indicatorValues, type CatalogEntry, type IndicatorValue } from '../queries/marts.ts';

/** The plan's eight tasks, in the plan's order (sql/seeds/plan_tasks.csv). */
const TASKS = SEED_PLAN_TASKS;

/** The city's value in the chosen year: what the year picker changes on this page. */
function cityValue(c: CatalogEntry, row: IndicatorValue | undefined, year: string) {
  if (!row) return html`<dt>${zhDisplay.indicators.cityOfYear(year)}</dt><dd>${zhDisplay.indicators.noValue}</dd>`;
  return html`<dt>${zhDisplay.indicators.cityOfYear(year)}</dt><dd${dataAttributes(indicatorData(row))}><strong class="value-text">${formatIndicator(c.indicator_id, row.value)}</strong></dd>`;
}

function entry(c: CatalogEntry, row: IndicatorValue | undefined, year: string) {
  return html`<article class="catalog-entry" id="${c.indicator_id}">
    <div><h3>${c.name_zh}</h3><code class="catalog-id">${c.indicator_id}</code></div>
    <dl>
      <dt>${zh.indicators.definition}</dt><dd>${c.description_zh}</dd>
      <dt>${zh.indicators.numerator}</dt><dd>${c.numerator_zh}</dd>
      <dt>${zh.indicators.denominator}</dt><dd>${c.denominator_zh}</dd>
      <dt>${zh.indicators.target}</dt><dd>${c.target === null ? zh.indicators.noTarget : formatPercent(c.target)}</dd>
      <dt>${zh.indicators.source}</dt><dd>${c.source}</dd>
      ${cityValue(c, row, year)}
    </dl>
  </article>`;
}

export const indicatorsPage: Page = {
  id: 'indicators',
  path: '/indicators',
  async render(ctx: PageContext) {
    const year = ctx.filters.year;
    const cityRows = await indicatorValues(ctx.db, { period: year, grain: 'city', county: null });
    const entryOf = (c: CatalogEntry) => entry(c, cityRows.find((r) => r.indicator_id === c.indicator_id), year);
    const groups = [...TASKS, null].map((task) => ({ task, entries: ctx.catalog.filter((c) => c.task === task) })).filter((g) => g.entries.length > 0);
    const body = html`
      <p class="lead">${zh.indicators.intro}</p>
      ${groups.map(
        (g) => html`<section class="panel catalog-task" aria-labelledby="task-${g.task ?? 'all'}"><h2 id="task-${g.task ?? 'all'}">${zh.indicators.task}：${g.task ?? zh.indicators.allTasks}</h2>${g.entries.map(entryOf)}</section>`,
      )}
    `;
    return {
      title: zh.indicators.title,
      breadcrumbs: [{ label: zh.nav.overview, href: pageHref('/', { year: ctx.filters.year }) }, { label: zh.indicators.title }],
      nav: 'indicators',
      countyFilter: false,
      body,
      charts: [],
    };
  },
};
