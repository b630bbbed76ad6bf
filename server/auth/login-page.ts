// The login page: a plain, accessible form (labels, autocomplete, error announced with
// role="alert"), no script at all.
import { zh } from '../../dashboards/i18n/zh.ts';

export interface LoginPageOptions {
  /** Where to go after logging in (already checked to be a local path). */
  next: string;
  /** Double-submit token of the login form. */
  formToken: string;
  /** A message to show (wrong password, too many attempts…). */
  error?: string;
  name?: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderLoginPage(options: LoginPageOptions): string {
  const t = zh.login;
  const error = options.error ? `<p class="error" role="alert" id="login-error">${escapeHtml(options.error)}</p>` : '';
  const describedBy = options.error ? ' aria-describedby="login-error"' : '';
  return authPage(t.title, t.title, `${error}
<form method="post" action="/login"${describedBy}>
<input type="hidden" name="_csrf" value="${escapeHtml(options.formToken)}">
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<p><label for="name">${escapeHtml(t.name)}</label>
<input id="name" name="name" autocomplete="username" required autofocus value="${escapeHtml(options.name ?? '')}"></p>
<p><label for="password">${escapeHtml(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p class="hint">${escapeHtml(t.hint)}</p>
<p><button type="submit">${escapeHtml(t.submit)}</button></p>
</form>`);
}

/** The frame of the pages shown before the dashboards (sign-in, 修改密码): no script, one form. */
export function authPage(title: string, heading: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(zh.login.product)}</title>
<link rel="stylesheet" href="/login.css">
<link rel="icon" href="data:,">
</head>
<body>
<main>
<h1>${escapeHtml(zh.login.product)}</h1>
<h2>${escapeHtml(heading)}</h2>
${body}
</main>
</body>
</html>`;
}

export const LOGIN_CSS = `body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f4f6f8;color:#1b1f24;margin:0}
main{max-width:24rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.2rem;margin:0 0 .5rem}h2{font-size:1.05rem;font-weight:normal;margin:0 0 1.5rem}
label{display:block;margin-bottom:.3rem}input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;border:1px solid #8a939c;border-radius:4px}
input:focus,button:focus{outline:3px solid #0b63c5;outline-offset:1px}
button{background:#0b63c5;color:#fff;border:0;padding:.6rem 1.5rem;font-size:1rem;border-radius:4px;cursor:pointer}
.error{background:#fdecea;border-left:4px solid #b3261e;padding:.6rem;color:#8c1d18}.hint{font-size:.85rem;color:#4a535c}`;
