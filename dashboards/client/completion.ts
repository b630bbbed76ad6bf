// Completion of table and column names in the console's editor, over the data dictionary: a
// small hand-built completer (a listbox under the editor, ARIA combobox pattern) rather than
// an editor library. `suggest` is the pure part: what to offer for the word at the cursor.
import type { DictionaryAnswer } from './dictionary.ts';
import { zhConsole } from '../i18n/zh-console.ts';

const t = zhConsole.completion;
const MAX_SUGGESTIONS = 12;
/**
 * A word that is a whole SQL keyword gets no suggestions: "ORDER BY value DESC" then Enter must
 * start a new line, not become description_zh ("AS" and as_of, "ORDER" and sort_order alike).
 */
const KEYWORDS = new Set(
  'select from where and or not order by group having limit offset as on join left right inner outer full cross using union all distinct case when then else end asc desc is null in like ilike between with over partition true false exists cast filter window qualify'.split(
    ' ',
  ),
);

export interface Suggestion {
  /** The text that replaces the word being typed. */
  text: string;
  /** What it is: 表, 视图 or "table 的列". */
  detail: string;
  /** The Chinese description, shown beside it. */
  description: string;
}

export interface Completion {
  /** Where the word being replaced starts (the cursor is its end). */
  from: number;
  suggestions: Suggestion[];
}

/** Tables named after FROM / JOIN in the SQL, with their aliases: alias or name → table. */
function tablesInQuery(sql: string, known: Set<string>): Map<string, string> {
  const found = new Map<string, string>();
  const pattern = /\b(?:from|join)\s+(?:mart\s*\.\s*)?"?([A-Za-z_][A-Za-z0-9_]*)"?(?:\s+(?:as\s+)?([A-Za-z_][A-Za-z0-9_]*))?/gi;
  for (const match of sql.matchAll(pattern)) {
    const table = match[1]!.toLowerCase();
    if (!known.has(table)) continue;
    found.set(table, table);
    const alias = match[2]?.toLowerCase();
    if (alias && !/^(where|join|on|group|order|limit|left|right|inner|full|cross|using|union|natural)$/.test(alias)) found.set(alias, table);
  }
  return found;
}

/** What to offer at `cursor` in `sql`: after `mart.` the tables, after `alias.` that table's columns, else tables and the columns of tables in the query. */
export function suggest(sql: string, cursor: number, dictionary: DictionaryAnswer): Completion | null {
  const before = sql.slice(0, cursor);
  // Inside a string literal or a comment nothing is offered.
  if ((before.match(/'/g)?.length ?? 0) % 2 === 1 || /--[^\n]*$/.test(before)) return null;
  const match = /(?:([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*)?([A-Za-z_][A-Za-z0-9_]*)?$/.exec(before);
  const qualifier = match?.[1]?.toLowerCase();
  const word = (match?.[2] ?? '').toLowerCase();
  const from = cursor - (match?.[2]?.length ?? 0);
  if (!qualifier && (word.length === 0 || KEYWORDS.has(word))) return null;
  const relations = dictionary.relations;
  const byName = new Map(relations.map((r) => [r.name.toLowerCase(), r]));
  const tableSuggestion = (r: DictionaryAnswer['relations'][number]): Suggestion => ({ text: r.name, detail: r.kind === 'view' ? t.view : t.table, description: r.description ?? '' });
  const columnsOf = (table: string): Suggestion[] =>
    (byName.get(table)?.columns ?? []).map((c) => ({ text: c.name, detail: t.column(table), description: c.description ?? '' }));
  let candidates: Suggestion[];
  if (qualifier === 'mart') {
    candidates = relations.map(tableSuggestion);
  } else if (qualifier) {
    const table = tablesInQuery(sql, new Set(byName.keys())).get(qualifier) ?? (byName.has(qualifier) ? qualifier : undefined);
    if (!table) return null;
    candidates = columnsOf(table);
  } else {
    const inQuery = [...new Set(tablesInQuery(sql, new Set(byName.keys())).values())];
    // Columns of the tables in the query first (what one most often types), then table names.
    candidates = [...inQuery.flatMap(columnsOf), ...relations.map(tableSuggestion)];
  }
  const seen = new Set<string>();
  const starts = candidates.filter((c) => c.text.toLowerCase().startsWith(word));
  const contains = word.length >= 2 ? candidates.filter((c) => !c.text.toLowerCase().startsWith(word) && c.text.toLowerCase().includes(word)) : [];
  const suggestions = [...starts, ...contains].filter((c) => {
    if (seen.has(c.text)) return false;
    seen.add(c.text);
    return c.text.toLowerCase() !== word;
  });
  return suggestions.length > 0 ? { from, suggestions: suggestions.slice(0, MAX_SUGGESTIONS) } : null;
}

/** Wires the completer to the editor; `dictionary()` gives the dictionary once loaded (null before). */
export function attachCompletion(editor: HTMLTextAreaElement, list: HTMLUListElement, dictionary: () => DictionaryAnswer | null): { isOpen(): boolean } {
  let current: Completion | null = null;
  let active = 0;
  editor.setAttribute('role', 'combobox');
  editor.setAttribute('aria-autocomplete', 'list');
  editor.setAttribute('aria-expanded', 'false');
  editor.setAttribute('aria-controls', list.id);
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', t.label);

  function close(): void {
    current = null;
    list.hidden = true;
    list.replaceChildren();
    editor.setAttribute('aria-expanded', 'false');
    editor.removeAttribute('aria-activedescendant');
  }

  function show(): void {
    if (!current) return close();
    list.replaceChildren(
      ...current.suggestions.map((s, i) => {
        const li = document.createElement('li');
        li.id = `${list.id}-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', String(i === active));
        li.dataset.value = s.text;
        const name = document.createElement('code');
        name.textContent = s.text;
        const detail = document.createElement('span');
        detail.className = 'completion-detail';
        detail.textContent = s.description ? `${s.detail} · ${s.description}` : s.detail;
        li.append(name, detail);
        // mousedown, not click: the editor must keep its focus and cursor.
        li.addEventListener('mousedown', (event) => {
          event.preventDefault();
          active = i;
          accept();
        });
        return li;
      }),
    );
    list.hidden = false;
    editor.setAttribute('aria-expanded', 'true');
    editor.setAttribute('aria-activedescendant', `${list.id}-${active}`);
    list.children[active]?.scrollIntoView({ block: 'nearest' });
  }

  function update(): void {
    const dict = dictionary();
    if (!dict || editor.selectionStart !== editor.selectionEnd) return close();
    current = suggest(editor.value, editor.selectionStart, dict);
    active = 0;
    show();
  }

  function accept(): void {
    if (!current) return;
    const chosen = current.suggestions[active];
    if (!chosen) return close();
    editor.setRangeText(chosen.text, current.from, editor.selectionStart, 'end');
    close();
    editor.focus();
  }

  editor.addEventListener('input', update);
  editor.addEventListener('blur', () => setTimeout(close, 0));
  editor.addEventListener('keydown', (event) => {
    if (!current) {
      if (event.key === ' ' && event.ctrlKey) {
        event.preventDefault();
        update();
      }
      return;
    }
    const n = current.suggestions.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : n - 1)) % n;
      show();
    } else if ((event.key === 'Enter' || event.key === 'Tab') && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      event.stopImmediatePropagation();
      accept();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopImmediatePropagation();
      close();
    }
  });
  close();
  return { isOpen: () => current !== null };
}
