// Raw HTTP for the access tests: a chosen loopback source address (per-address limits), no
// redirects followed, cookies read from Set-Cookie; and the login / password forms.
import http from 'node:http';

export interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function rawRequest(base: string, options: { path: string; method?: string; headers?: Record<string, string>; body?: string; from?: string }): Promise<Raw> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: options.path, method: options.method ?? 'GET', headers: options.headers, localAddress: options.from ?? '127.0.0.1', agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

export function cookieOf(raw: Raw, name: string): string | undefined {
  const line = (raw.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0]?.slice(name.length + 1);
}

export async function login(base: string, name: string, password: string, options: { from?: string; next?: string; cookie?: string } = {}): Promise<Raw> {
  const page = await rawRequest(base, { path: '/login', ...(options.from ? { from: options.from } : {}) });
  const formToken = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const formCookie = cookieOf(page, 'lishui_login_form') ?? '';
  const body = new URLSearchParams({ name, password, _csrf: formToken, next: options.next ?? '/' }).toString();
  return rawRequest(base, {
    path: '/login',
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lishui_login_form=${formCookie}${options.cookie ? `; lishui_session=${options.cookie}` : ''}` },
    body,
    ...(options.from ? { from: options.from } : {}),
  });
}

/** GET with a session cookie. */
export function getWith(base: string, session: string, path: string, accept = 'application/json'): Promise<Raw> {
  return rawRequest(base, { path, headers: { cookie: `lishui_session=${session}`, accept } });
}

/** Submits the 修改密码 form of a session. */
export async function changePassword(base: string, session: string, fields: { password: string; repeat?: string; current?: string; next?: string }): Promise<Raw> {
  const page = await getWith(base, session, '/password', 'text/html');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const body = new URLSearchParams({ _csrf: csrf, password: fields.password, repeat: fields.repeat ?? fields.password, next: fields.next ?? '/', ...(fields.current ? { current: fields.current } : {}) }).toString();
  return rawRequest(base, { path: '/password', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lishui_session=${session}` }, body });
}
