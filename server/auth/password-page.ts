// The 修改密码 page: a plain form without script, posted with the session's CSRF token. After
// a one-time (or expired) password it is the only page a session can reach.
import { zhAudit } from '../../dashboards/i18n/zh-audit.ts';
import { zh } from '../../dashboards/i18n/zh.ts';
import { authPage, escapeHtml } from './login-page.ts';

export interface PasswordPageOptions {
  csrfToken: string;
  next: string;
  /** Why the change is required (null: the user chose to change it). */
  reason: 'first' | 'expired' | null;
  error?: string;
  userName: string;
}

export function renderPasswordPage(options: PasswordPageOptions): string {
  const t = zhAudit.password;
  const notice = options.reason === 'first' ? t.firstTime : options.reason === 'expired' ? t.expired : '';
  const error = options.error ? `<p class="error" role="alert" id="password-error">${escapeHtml(options.error)}</p>` : '';
  const current = options.reason === null
    ? `<p><label for="current">${escapeHtml(t.current)}</label>
<input id="current" name="current" type="password" autocomplete="current-password" required></p>`
    : '';
  return authPage(t.title, `${t.title}（${options.userName}）`, `${notice ? `<p class="hint" id="password-notice">${escapeHtml(notice)}</p>` : ''}
${error}
<form method="post" action="/password"${options.error ? ' aria-describedby="password-error"' : ''}>
<input type="hidden" name="_csrf" value="${escapeHtml(options.csrfToken)}">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<input type="text" name="username" autocomplete="username" value="${escapeHtml(options.userName)}" hidden>
${current}
<p><label for="new-password">${escapeHtml(t.next)}</label>
<input id="new-password" name="password" type="password" autocomplete="new-password" required minlength="8" maxlength="256" aria-describedby="password-rules"></p>
<p><label for="repeat-password">${escapeHtml(t.repeat)}</label>
<input id="repeat-password" name="repeat" type="password" autocomplete="new-password" required minlength="8" maxlength="256"></p>
<p class="hint" id="password-rules">${escapeHtml(t.rules)}</p>
<p><button type="submit">${escapeHtml(t.submit)}</button></p>
</form>
<form method="post" action="/logout"><p><button type="submit" class="secondary">${escapeHtml(zh.login.logout)}</button></p></form>`);
}
