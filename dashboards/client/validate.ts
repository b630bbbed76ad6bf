// 预检 in the browser (dashboards/pages/validate.ts): a file dropped on the page or chosen is
// posted to POST /api/validate (CSRF token from GET /api/session) and the answer drawn: the
// counts, the reasons in Chinese, and each row that would be rejected with its row number, the
// column, the message and the row's values. Built with textContent only. Does nothing on other pages.
import { zhClerk } from '../i18n/zh-clerk.ts';
import { zh } from '../i18n/zh.ts';

const t = zhClerk.validate;

interface Answer {
  file_name: string;
  rows_read: number;
  rows_ok: number;
  rows_rejected: number;
  rejected_by_reason: Record<string, number>;
  file_rejected: { reason_code: string; message: string; sheet: string | null } | null;
  rows: { sheet: string | null; row_number: number; reason: string; column: string; column_name: string; message: string; values: { column_name: string; column: string; value: string }[] }[];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function initValidate(root: ParentNode = document): void {
  const section = root.querySelector<HTMLElement>('[data-validate]');
  if (!section) return;
  const drop = section.querySelector<HTMLElement>('[data-validate-drop]')!;
  const input = section.querySelector<HTMLInputElement>('[data-validate-input]')!;
  const status = section.querySelector<HTMLElement>('[data-validate-status]')!;
  const result = section.querySelector<HTMLElement>('[data-validate-result]')!;
  let csrfToken: string | null = null;
  const session = fetch('/api/session', { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? (r.json() as Promise<{ csrfToken: string | null }>) : { csrfToken: null }))
    .then((s) => {
      csrfToken = s.csrfToken;
    })
    .catch(() => undefined);

  const say = (text: string, isError = false) => {
    status.textContent = text;
    status.classList.toggle('error', isError);
  };

  async function check(file: File): Promise<void> {
    result.replaceChildren();
    say(t.checking);
    await session;
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const response = await fetch('/api/validate', { method: 'POST', body: form, headers: csrfToken ? { 'x-csrf-token': csrfToken } : {} });
      const body = (await response.json()) as Answer | { error: { message: string } };
      if (!response.ok || 'error' in body) {
        say('error' in body ? body.error.message : t.failed, true);
        return;
      }
      draw(body);
    } catch {
      say(t.failed, true);
    }
  }

  function draw(answer: Answer): void {
    if (answer.file_rejected) {
      say(t.fileRejected(answer.file_rejected.message), true);
      return;
    }
    say(`${answer.file_name}：${t.summary(answer.rows_read, answer.rows_ok, answer.rows_rejected)}${answer.rows.length < answer.rows_rejected ? t.shownFirst(answer.rows.length) : ''}`);
    if (answer.rows_rejected === 0) {
      result.append(el('p', t.allOk));
      return;
    }
    const reasons = el('ul', undefined, 'validate-reasons');
    for (const [code, n] of Object.entries(answer.rejected_by_reason).sort((a, b) => b[1] - a[1])) {
      reasons.append(el('li', `${zh.reasons[code] ?? code}：${n} 行`));
    }
    const rows = el('ul', undefined, 'validate-rows');
    for (const row of answer.rows) {
      const item = el('li', undefined, 'validate-row');
      item.dataset.row = String(row.row_number);
      const where = el('p', undefined, 'validate-where');
      where.append(el('strong', zhClerk.quality.excelRow(row.row_number, row.sheet)), el('span', `${row.reason} · ${row.column}`));
      const raw = el('dl', undefined, 'validate-raw');
      for (const cell of row.values) {
        const pair = el('div', undefined, cell.column_name === row.column_name ? 'validate-bad' : undefined);
        pair.append(el('dt', cell.column), el('dd', cell.value));
        raw.append(pair);
      }
      item.append(where, el('p', row.message), raw);
      rows.append(item);
    }
    result.append(reasons, rows);
  }

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void check(file);
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (file) void check(file);
  });
}
