// The data dictionary in the browser: fetched once from GET /api/dictionary, drawn as a list of
// tables with their columns (name, type, Chinese description, examples) and a filter box. The
// /dictionary page shows it whole; the console shows it beside the editor (names insert into
// the editor) and completes names from it.
import { zhConsole } from '../i18n/zh-console.ts';

const t = zhConsole.dictionary;

export interface DictionaryAnswer {
  relations: {
    name: string;
    kind: 'table' | 'view';
    description: string | null;
    columns: { name: string; type: string; description: string | null; examples: string[] }[];
  }[];
}

let loading: Promise<DictionaryAnswer> | undefined;

/** The dictionary, fetched once per page; rejects with the HTTP status text on failure. */
export function loadDictionary(): Promise<DictionaryAnswer> {
  loading ??= fetch('/api/dictionary', { headers: { accept: 'application/json' } }).then(async (response) => {
    if (!response.ok) throw new Error(t.failed(response.status));
    return (await response.json()) as DictionaryAnswer;
  });
  return loading;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Draws the dictionary into `target` with a filter box. `insert` (the console) turns table and
 * column names into buttons that put the name into the editor; `open` expands every table.
 */
export function renderDictionary(target: HTMLElement, dictionary: DictionaryAnswer, options: { insert?: (text: string) => void; open?: boolean; idPrefix: string }): void {
  const filterId = `${options.idPrefix}-filter`;
  const label = element('label', 'dictionary-filter-label', t.filter);
  label.htmlFor = filterId;
  const filter = element('input', 'dictionary-filter');
  filter.type = 'search';
  filter.id = filterId;
  filter.placeholder = t.filterHint;
  filter.autocomplete = 'off';
  const empty = element('p', 'hint', t.noMatch);
  empty.hidden = true;
  const nameNode = (text: string, qualified: string): HTMLElement => {
    if (!options.insert) return element('code', undefined, text);
    const button = element('button', 'insert', text);
    button.type = 'button';
    button.title = t.insert(qualified);
    button.setAttribute('aria-label', t.insert(qualified));
    button.addEventListener('click', (event) => {
      event.preventDefault();
      options.insert!(qualified);
    });
    return button;
  };
  const entries = dictionary.relations.map((relation) => {
    const details = element('details', 'dictionary-relation');
    details.id = `${options.idPrefix}-${relation.name}`;
    details.open = options.open ?? false;
    // The summary holds text only (a button inside a summary is nested interaction, WCAG 4.1.2):
    // the insert button comes first inside the opened entry.
    const summary = element('summary');
    summary.append(element('code', 'dictionary-name', `mart.${relation.name}`), element('span', 'dictionary-kind', `${relation.kind === 'view' ? t.view : t.table} · ${t.columns(relation.columns.length)}`));
    const about = element('p', 'dictionary-description', relation.description ?? t.noDescription);
    if (options.insert) about.prepend(nameNode(t.insertTable, `mart.${relation.name}`), ' ');
    const table = element('table', 'dictionary-columns');
    const head = table.createTHead().insertRow();
    for (const word of [t.column, t.type, t.description, t.examples]) {
      const th = element('th', undefined, word);
      th.scope = 'col';
      head.append(th);
    }
    const body = table.createTBody();
    for (const column of relation.columns) {
      const row = body.insertRow();
      row.dataset.search = `${column.name} ${column.description ?? ''}`.toLowerCase();
      const name = row.insertCell();
      name.append(nameNode(column.name, column.name));
      row.insertCell().textContent = column.type;
      row.insertCell().textContent = column.description ?? t.noDescription;
      const examples = row.insertCell();
      examples.className = 'dictionary-examples';
      // The label a narrow box shows before the examples (its table header is hidden there).
      examples.dataset.label = t.examples;
      examples.textContent = column.examples.length > 0 ? column.examples.join('；') : t.noExamples;
    }
    // A region that may scroll sideways on a phone: reachable and named for keyboard users.
    const wrap = element('div', 'dictionary-scroll');
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', t.columnsOf(relation.name));
    wrap.append(table);
    details.append(summary, about, wrap);
    return { details, relation, rows: [...body.rows], text: `${relation.name} ${relation.description ?? ''}`.toLowerCase() };
  });
  filter.addEventListener('input', () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const entry of entries) {
      const matchesRelation = words.every((w) => entry.text.includes(w));
      let rowsShown = 0;
      for (const row of entry.rows) {
        const visible = matchesRelation || words.every((w) => row.dataset.search!.includes(w));
        row.hidden = !visible;
        if (visible) rowsShown++;
      }
      entry.details.hidden = rowsShown === 0 && !matchesRelation;
      if (!entry.details.hidden) shown++;
      if (words.length > 0 && !entry.details.hidden) entry.details.open = true;
    }
    empty.hidden = shown > 0;
  });
  const search = element('div', 'dictionary-search');
  search.append(label, filter);
  target.replaceChildren(search, empty, ...entries.map((e) => e.details));
}

/** The /dictionary page: fills [data-dictionary] when present. */
export function initDictionaryPage(root: ParentNode = document): void {
  const target = root.querySelector<HTMLElement>('[data-dictionary]');
  if (!target) return;
  loadDictionary().then(
    (dictionary) => renderDictionary(target, dictionary, { open: true, idPrefix: 'dict' }),
    (error: Error) => {
      target.textContent = error.message;
      target.classList.add('console-status', 'error');
    },
  );
}
