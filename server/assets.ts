// The browser's files: the stylesheets and the client script, bundled once at start-up by
// esbuild from dashboards/client/ (Observable Plot included, so charts re-render in the
// browser). Served from memory under /assets/ with a content hash in the URL.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dashboards/client');

export interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

export interface ClientAssets {
  files: Map<string, Asset>;
  /** The versioned URL of a file, e.g. url('app.js') → '/assets/app.js?v=3f2a…'. */
  url(name: string): string;
}

function asset(body: Buffer, type: string): Asset {
  return { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) };
}

export async function buildClientAssets(): Promise<ClientAssets> {
  const bundle = await build({
    entryPoints: [path.join(CLIENT_DIR, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const script = bundle.outputFiles[0];
  if (!script) throw new Error('esbuild produced no client bundle');
  const files = new Map<string, Asset>([
    ['app.js', asset(Buffer.from(script.contents), 'text/javascript; charset=utf-8')],
    ['styles.css', asset(await readFile(path.join(CLIENT_DIR, 'styles.css')), 'text/css; charset=utf-8')],
    ['report.css', asset(await readFile(path.join(CLIENT_DIR, 'report.css')), 'text/css; charset=utf-8')],
    ['edition-report.css', asset(await readFile(path.join(CLIENT_DIR, 'edition-report.css')), 'text/css; charset=utf-8')],
  ]);
  return {
    files,
    url: (name) => `/assets/${name}?v=${files.get(name)?.hash ?? '0'}`,
  };
}
