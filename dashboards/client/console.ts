// The SQL console in the browser (dashboards/pages/console.ts): runs the editor's query with
// POST /api/sql (CSRF token from GET /api/session), cancels it by id, draws the rows as a table
// (numbers rounded for reading, full values in the tooltip and the exports) and a quick chart
// (dashboards/client/quick-chart.ts), downloads CSV / Excel / Parquet / Arrow, completes table
// and column names, shows the data dictionary beside the editor, and keeps saved and shared
// queries (`?q=` links). Does nothing on other pages.
import { zh } from '../i18n/zh.ts';
import { zhConsole } from '../i18n/zh-console.ts';
import { attachCompletion } from './completion.ts';
import { loadDictionary, renderDictionary, type DictionaryAnswer } from './dictionary.ts';
import { chooseChart, drawChart, type ChartChoice, type Column, type Row } from './quick-chart.ts';
import { decodeQuery, MAX_SAVED, readSaved, removeSaved, saveQuery, shareUrl } from './saved-queries.ts';

const t = zh.console;
const tc = zhConsole;

interface QueryAnswer {
  columns: Column[];
  rows: Row[];
  rowCount: number;
  truncated: boolean;
  rowLimit: number;
  elapsedMs: number;
}
interface SchemaAnswer {
  limits: { rowLimit: number; exportRowCap: number; timeoutMs: number | null };
}

const FILE_EXTENSIONS: Record<string, string> = { csv: 'csv', xlsx: 'xlsx', parquet: 'parquet', arrow: 'arrows' };

export function initConsole(root: ParentNode = document): void {
  const section = root.querySelector<HTMLElement>('[data-sql-console]');
  if (!section) return;
  const $ = <T extends HTMLElement>(selector: string) => section.querySelector<T>(selector)!;
  const editor = $<HTMLTextAreaElement>('#sql-editor');
  const runButton = $<HTMLButtonElement>('#console-run');
  const cancelButton = $<HTMLButtonElement>('#console-cancel');
  const exportButtons = [...section.querySelectorAll<HTMLButtonElement>('[data-export]')];
  const status = $<HTMLElement>('#console-status');
  const results = $<HTMLElement>('#console-results');
  const chart = $<HTMLElement>('#console-chart');
  const chartControls = $<HTMLElement>('#console-chart-controls');
  const chartX = $<HTMLSelectElement>('#console-chart-x');
  const chartY = $<HTMLSelectElement>('#console-chart-y');
  let csrfToken: string | null = null;
  let running: { id: string; controller: AbortController } | null = null;
  let lastSql: string | null = null;
  let lastAnswer: QueryAnswer | null = null;
  let dictionary: DictionaryAnswer | null = null;

  const session = fetch('/api/session', { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? (r.json() as Promise<{ csrfToken: string | null }>) : { csrfToken: null }))
    .then((s) => {
      csrfToken = s.csrfToken;
    })
    .catch(() => undefined);

  void loadLimits(section);
  const schemaList = $<HTMLElement>('#console-schema-list');
  loadDictionary().then(
    (answer) => {
      dictionary = answer;
      renderDictionary(schemaList, answer, { idPrefix: 'console-dict', insert: insertText });
    },
    (error: Error) => {
      schemaList.textContent = error.message;
    },
  );
  // Before the editor's own keys: an open suggestion list takes Enter, Tab and Esc.
  attachCompletion(editor, $<HTMLUListElement>('#console-completion'), () => dictionary);

  function insertText(text: string): void {
    editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, 'end');
    editor.focus();
  }

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
      lastAnswer = answer;
      for (const b of exportButtons) b.disabled = false;
      say(answer.rowCount === 0 ? t.noRows : `${t.done(answer.rowCount, answer.elapsedMs)}${answer.truncated ? ` ${t.truncated(answer.rowLimit)}` : ''}`);
      renderTable(results, answer.columns, answer.rows);
      const choice = chooseChart(answer.columns, answer.rows);
      fillChartControls(answer.columns, choice);
      drawChart(chart, answer.columns, answer.rows, choice, true);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') say(`${t.error}：${(error as Error).message}`, true);
    } finally {
      running = null;
      runButton.disabled = false;
      cancelButton.disabled = true;
    }
  }

  function fillChartControls(columns: Column[], choice: ChartChoice | null): void {
    const option = (value: string, label: string, selected: boolean) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = label;
      o.selected = selected;
      return o;
    };
    chartX.replaceChildren(option('', tc.chart.choose, !choice), ...columns.map((c) => option(c.name, c.name, c.name === choice?.x)));
    chartY.replaceChildren(
      option('', tc.chart.choose, !choice?.y),
      ...columns.filter((c) => c.kind === 'integer' || c.kind === 'number').map((c) => option(c.name, c.name, c.name === choice?.y)),
    );
    chartControls.hidden = columns.length === 0;
  }

  function redrawChosen(): void {
    if (!lastAnswer) return;
    const choice = chartX.value ? { x: chartX.value, ...(chartY.value ? { y: chartY.value } : {}) } : null;
    drawChart(chart, lastAnswer.columns, lastAnswer.rows, choice, false);
  }
  chartX.addEventListener('change', redrawChosen);
  chartY.addEventListener('change', redrawChosen);

  async function cancel(): Promise<void> {
    if (!running) return;
    const { id } = running;
    await fetch(`/api/sql/${encodeURIComponent(id)}/cancel`, { method: 'POST', headers: headers() }).catch(() => undefined);
    say(t.cancelled);
  }

  async function download(format: string, button: HTMLButtonElement): Promise<void> {
    if (!lastSql) return;
    await session;
    button.disabled = true;
    say(tc.exports.downloading);
    try {
      const response = await fetch(`/api/sql?format=${format}`, { method: 'POST', headers: headers(), body: JSON.stringify({ sql: lastSql, id: crypto.randomUUID() }) });
      if (!response.ok) {
        say(await errorText(response), true);
        return;
      }
      const blob = await response.blob();
      const file = `query.${FILE_EXTENSIONS[format] ?? format}`;
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = file;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      say(tc.exports.downloaded(file));
    } catch (error) {
      say(`${t.error}：${(error as Error).message}`, true);
    } finally {
      button.disabled = false;
    }
  }

  runButton.addEventListener('click', () => void run());
  cancelButton.addEventListener('click', () => void cancel());
  for (const button of exportButtons) button.addEventListener('click', () => void download(button.dataset.export!, button));
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

  initSavedQueries(section, editor, say);
  // A shared link (?q=): the query it carries, run at once.
  const shared = new URLSearchParams(location.search).get('q');
  if (shared !== null) {
    const sql = decodeQuery(shared);
    if (sql === null) say(tc.saved.badLink, true);
    else {
      editor.value = sql;
      say(tc.saved.loadedFromLink);
      void run();
    }
  }
}

function initSavedQueries(section: HTMLElement, editor: HTMLTextAreaElement, say: (text: string, isError?: boolean) => void): void {
  const nameInput = section.querySelector<HTMLInputElement>('#console-saved-name')!;
  const list = section.querySelector<HTMLUListElement>('#console-saved-list')!;
  const details = section.querySelector<HTMLDetailsElement>('#console-saved')!;
  const shareButton = section.querySelector<HTMLButtonElement>('#console-share')!;

  function draw(): void {
    const saved = readSaved();
    if (saved.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'hint';
      empty.textContent = tc.saved.none;
      list.replaceChildren(empty);
      return;
    }
    list.replaceChildren(
      ...saved.map((query) => {
        const li = document.createElement('li');
        const name = document.createElement('span');
        name.className = 'saved-name';
        name.textContent = query.name;
        name.title = query.sql;
        const load = document.createElement('button');
        load.type = 'button';
        load.textContent = tc.saved.load;
        load.setAttribute('aria-label', `${tc.saved.load} ${query.name}`);
        load.addEventListener('click', () => {
          editor.value = query.sql;
          editor.focus();
        });
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.textContent = tc.saved.remove;
        remove.setAttribute('aria-label', `${tc.saved.remove} ${query.name}`);
        remove.addEventListener('click', () => {
          removeSaved(query.name);
          draw();
        });
        li.append(name, load, remove);
        return li;
      }),
    );
  }

  section.querySelector<HTMLButtonElement>('#console-save')!.addEventListener('click', () => {
    const name = nameInput.value.trim();
    if (!name) {
      say(tc.saved.emptyName, true);
      nameInput.focus();
      return;
    }
    if (!saveQuery(name, editor.value)) {
      say(readSaved().length >= MAX_SAVED ? tc.saved.tooMany(MAX_SAVED) : tc.saved.tooLong, true);
      return;
    }
    nameInput.value = '';
    say(tc.saved.savedAs(name));
    draw();
  });

  shareButton.addEventListener('click', () => {
    const url = shareUrl(editor.value, location.href);
    if (!url) {
      say(tc.saved.tooLong, true);
      return;
    }
    history.replaceState(null, '', url);
    // The clipboard needs a secure context; over plain HTTP the link stays in the address bar.
    const copy = navigator.clipboard?.writeText(url);
    if (!copy) say(tc.saved.linkReady);
    else copy.then(() => say(tc.saved.copied), () => say(tc.saved.linkReady));
  });

  details.addEventListener('toggle', () => {
    if (details.open) draw();
  });
  draw();
}

/** Numbers as the table shows them: at most 4 decimals; the exports keep every digit. */
const ROUNDED = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 4, useGrouping: false });

export function formatCell(value: unknown, column: Column): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && column.kind === 'number') return ROUNDED.format(value);
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
      const value = row[column.name];
      td.textContent = formatCell(value, column);
      if (column.kind === 'integer' || column.kind === 'number') td.className = 'num';
      if (typeof value === 'number' && td.textContent !== String(value)) td.title = String(value);
    }
  }
  target.replaceChildren(table);
}

async function loadLimits(section: HTMLElement): Promise<void> {
  const intro = section.querySelector<HTMLElement>('#console-intro')!;
  const response = await fetch('/api/sql/schema', { headers: { accept: 'application/json' } }).catch(() => null);
  if (!response?.ok) return;
  const schema = (await response.json()) as SchemaAnswer;
  const n = (x: number) => x.toLocaleString('zh-CN');
  intro.textContent = t.intro(n(schema.limits.rowLimit), n(schema.limits.exportRowCap), Math.round((schema.limits.timeoutMs ?? 10_000) / 1000));
}
