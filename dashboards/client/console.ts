// The SQL console in the browser (dashboards/pages/console.ts): runs the editor's query with
// POST /api/sql (CSRF token from GET /api/session), cancels it by id, draws the rows as a table
// and a quick Observable Plot chart whose mark follows the column types, downloads CSV /
// Parquet / Arrow, and lists the documented schema. Does nothing on other pages.
import * as Plot from '@observablehq/plot';
import { zh } from '../i18n/zh.ts';

const t = zh.console;

type Kind = 'integer' | 'number' | 'boolean' | 'text' | 'date' | 'timestamp' | 'other';
interface Column {
  name: string;
  type: string;
  kind: Kind;
}
type Row = Record<string, unknown>;
interface QueryAnswer {
  columns: Column[];
  rows: Row[];
  rowCount: number;
  truncated: boolean;
  rowLimit: number;
  elapsedMs: number;
}
interface SchemaAnswer {
  relations: { name: string; kind: 'table' | 'view'; comment: string | null; columns: { name: string; type: string; comment: string | null }[] }[];
  limits: { rowLimit: number; exportRowCap: number; timeoutMs: number | null };
}

export function initConsole(root: ParentNode = document): void {
  const section = root.querySelector<HTMLElement>('[data-sql-console]');
  if (!section) return;
  const editor = section.querySelector<HTMLTextAreaElement>('#sql-editor')!;
  const runButton = section.querySelector<HTMLButtonElement>('#console-run')!;
  const cancelButton = section.querySelector<HTMLButtonElement>('#console-cancel')!;
  const exportButtons = [...section.querySelectorAll<HTMLButtonElement>('[data-export]')];
  const status = section.querySelector<HTMLElement>('#console-status')!;
  const results = section.querySelector<HTMLElement>('#console-results')!;
  const chart = section.querySelector<HTMLElement>('#console-chart')!;
  let csrfToken: string | null = null;
  let running: { id: string; controller: AbortController } | null = null;
  let lastSql: string | null = null;

  const session = fetch('/api/session', { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? (r.json() as Promise<{ csrfToken: string | null }>) : { csrfToken: null }))
    .then((s) => {
      csrfToken = s.csrfToken;
    })
    .catch(() => undefined);

  void loadSchema(section, editor);

  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
  });

  function say(text: string, isError = false): void {
    status.textContent = text;
    status.classList.toggle('error', isError);
  }

  async function errorText(response: Response): Promise<string> {
    try {
      const body = (await response.json()) as { error?: { message?: string } };
      return body.error?.message ?? `${t.error}（HTTP ${response.status}）`;
    } catch {
      return `${t.error}（HTTP ${response.status}）`;
    }
  }

  async function run(): Promise<void> {
    if (running) return;
    await session;
    const sql = editor.value;
    const id = crypto.randomUUID();
    const controller = new AbortController();
    running = { id, controller };
    runButton.disabled = true;
    cancelButton.disabled = false;
    say(t.running);
    try {
      const response = await fetch('/api/sql', { method: 'POST', headers: headers(), body: JSON.stringify({ sql, id }), signal: controller.signal });
      if (!response.ok) {
        say(await errorText(response), true);
        return;
      }
      const answer = (await response.json()) as QueryAnswer;
      lastSql = sql;
      for (const b of exportButtons) b.disabled = false;
      say(answer.rowCount === 0 ? t.noRows : `${t.done(answer.rowCount, answer.elapsedMs)}${answer.truncated ? ` ${t.truncated(answer.rowLimit)}` : ''}`);
      renderTable(results, answer.columns, answer.rows);
      renderChart(chart, answer.columns, answer.rows);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') say(`${t.error}：${(error as Error).message}`, true);
    } finally {
      running = null;
      runButton.disabled = false;
      cancelButton.disabled = true;
    }
  }

  async function cancel(): Promise<void> {
    if (!running) return;
    const { id } = running;
    await fetch(`/api/sql/${encodeURIComponent(id)}/cancel`, { method: 'POST', headers: headers() }).catch(() => undefined);
    say(t.cancelled);
  }

  async function download(format: string): Promise<void> {
    if (!lastSql) return;
    await session;
    const response = await fetch(`/api/sql?format=${format}`, { method: 'POST', headers: headers(), body: JSON.stringify({ sql: lastSql, id: crypto.randomUUID() }) });
    if (!response.ok) {
      say(await errorText(response), true);
      return;
    }
    const blob = await response.blob();
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `query.${format === 'arrow' ? 'arrows' : format}`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  runButton.addEventListener('click', () => void run());
  cancelButton.addEventListener('click', () => void cancel());
  for (const button of exportButtons) button.addEventListener('click', () => void download(button.dataset.export!));
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run();
    } else if (event.key === 'Escape' && running) {
      event.preventDefault();
      void cancel();
    } else if (event.key === 'Tab' && !event.shiftKey && !event.altKey && !event.ctrlKey) {
      // Indent inside the editor; Esc then Tab (or Shift+Tab out of the buttons) leaves it.
      event.preventDefault();
      const { selectionStart, selectionEnd, value } = editor;
      editor.value = `${value.slice(0, selectionStart)}  ${value.slice(selectionEnd)}`;
      editor.selectionStart = editor.selectionEnd = selectionStart + 2;
    }
  });
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function renderTable(target: HTMLElement, columns: Column[], rows: Row[]): void {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = column.name;
    th.title = column.type;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const column of columns) {
      const td = tr.insertCell();
      td.textContent = formatCell(row[column.name]);
      if (column.kind === 'integer' || column.kind === 'number') td.className = 'num';
    }
  }
  target.replaceChildren(table);
}

/** The mark for a result: time × number → line, category × number → bar, number × number → dot, one number → histogram. */
export function chooseChart(columns: Column[]): { mark: 'line' | 'bar' | 'dot' | 'histogram'; x: string; y?: string; series?: string } | null {
  const numbers = columns.filter((c) => c.kind === 'integer' || c.kind === 'number');
  const times = columns.filter((c) => c.kind === 'date' || c.kind === 'timestamp');
  const texts = columns.filter((c) => c.kind === 'text');
  if (times[0] && numbers[0]) return { mark: 'line', x: times[0].name, y: numbers[0].name, ...(texts[0] ? { series: texts[0].name } : {}) };
  if (texts[0] && numbers[0]) return { mark: 'bar', x: numbers[0].name, y: texts[0].name };
  if (numbers[0] && numbers[1]) return { mark: 'dot', x: numbers[0].name, y: numbers[1].name };
  if (numbers[0]) return { mark: 'histogram', x: numbers[0].name };
  return null;
}

function renderChart(target: HTMLElement, columns: Column[], rows: Row[]): void {
  const choice = chooseChart(columns);
  if (!choice || rows.length === 0) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = t.noChart;
    target.replaceChildren(p);
    return;
  }
  const data = rows.map((row) => {
    const copy: Row = { ...row };
    for (const c of columns) if ((c.kind === 'date' || c.kind === 'timestamp') && typeof row[c.name] === 'string') copy[c.name] = new Date(String(row[c.name]));
    return copy;
  });
  const width = Math.max(320, Math.min(target.clientWidth || 800, 1100));
  // Bars only when each category has one row; repeated categories (several years…) would stack
  // into sums that mean nothing, so they are drawn as dots on one line per category.
  const repeated = choice.mark === 'bar' && new Set(data.map((d) => d[choice.y!])).size < data.length;
  const markName = repeated ? t.marks.dots : t.marks[choice.mark];
  const common = { width, ariaLabel: `${t.chart}：${markName}`, style: { fontSize: '12px' } };
  let svg: Element;
  switch (choice.mark) {
    case 'line': {
      const seriesCount = choice.series ? new Set(data.map((d) => d[choice.series!])).size : 1;
      const series = choice.series && seriesCount <= 10 ? choice.series : undefined;
      svg = Plot.plot({ ...common, color: { legend: Boolean(series), scheme: 'tableau10' }, marks: [Plot.lineY(data, { x: choice.x, y: choice.y!, ...(series ? { stroke: series } : {}), tip: true }), Plot.ruleY([0])] });
      break;
    }
    case 'bar': {
      const top = [...data].sort((a, b) => Number(b[choice.x]) - Number(a[choice.x])).slice(0, 40);
      const mark = repeated
        ? Plot.dot(top, { x: choice.x, y: choice.y!, sort: { y: '-x' }, fill: '#4e79a7', tip: true })
        : Plot.barX(top, { x: choice.x, y: choice.y!, sort: { y: '-x' }, fill: '#4e79a7', tip: true });
      svg = Plot.plot({ ...common, marginLeft: 140, y: { label: null }, marks: [mark, Plot.ruleX([0])] });
      break;
    }
    case 'dot':
      svg = Plot.plot({ ...common, grid: true, marks: [Plot.dot(data, { x: choice.x, y: choice.y!, fill: '#4e79a7', tip: true })] });
      break;
    case 'histogram':
      svg = Plot.plot({ ...common, marks: [Plot.rectY(data, { ...Plot.binX({ y: 'count' }, { x: choice.x }), fill: '#4e79a7' }), Plot.ruleY([0])] });
      break;
  }
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent = t.chartNote(markName);
  target.replaceChildren(note, svg);
}

async function loadSchema(section: HTMLElement, editor: HTMLTextAreaElement): Promise<void> {
  const list = section.querySelector<HTMLElement>('#console-schema-list')!;
  const intro = section.querySelector<HTMLElement>('#console-intro')!;
  const response = await fetch('/api/sql/schema', { headers: { accept: 'application/json' } });
  if (!response.ok) {
    list.textContent = `${t.error}（HTTP ${response.status}）`;
    return;
  }
  const schema = (await response.json()) as SchemaAnswer;
  const n = (x: number) => x.toLocaleString('zh-CN');
  intro.textContent = t.intro(n(schema.limits.rowLimit), n(schema.limits.exportRowCap), Math.round((schema.limits.timeoutMs ?? 10_000) / 1000));
  const items = schema.relations.map((relation) => {
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    const insert = document.createElement('button');
    insert.type = 'button';
    insert.className = 'insert';
    insert.textContent = `mart.${relation.name}`;
    insert.addEventListener('click', (event) => {
      event.preventDefault();
      const at = editor.selectionStart;
      editor.setRangeText(`mart.${relation.name}`, at, editor.selectionEnd, 'end');
      editor.focus();
    });
    summary.append(insert, ` （${relation.kind === 'view' ? t.view : t.table}）`);
    details.append(summary);
    if (relation.comment) {
      const p = document.createElement('p');
      p.className = 'hint';
      p.textContent = relation.comment;
      details.append(p);
    }
    const dl = document.createElement('dl');
    for (const column of relation.columns) {
      const dt = document.createElement('dt');
      dt.textContent = `${column.name} ${column.type}`;
      const dd = document.createElement('dd');
      dd.textContent = column.comment ?? '';
      dl.append(dt, dd);
    }
    details.append(dl);
    return details;
  });
  list.replaceChildren(...items);
}
