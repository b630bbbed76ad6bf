// Pulls export files from configured HTTP(S) URLs into the inbox. A download is written to a
// hidden temp file in the inbox, checked against Content-Length, and only then linked under its
// real name, so a partial download never becomes a file the refresh could load. A file of the
// same name already in the inbox is never overwritten.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sha256File } from './inbox.ts';

export type PullStatus = 'downloaded' | 'unchanged' | 'conflict' | 'failed';

export interface PullResult {
  url: string;
  status: PullStatus;
  /** The file's name in the inbox (when one was found). */
  fileName?: string;
  attempts: number;
  /** Chinese, for the run summary. */
  message?: string;
}

export interface PullOptions {
  inboxDir: string;
  timeoutMs: number;
  retries: number;
  /** Pause before retry n (1-based); tests pass 0. */
  backoffMs?: (attempt: number) => number;
  fetch?: typeof fetch;
}

export async function pullUrls(urls: readonly string[], options: PullOptions): Promise<PullResult[]> {
  const results: PullResult[] = [];
  for (const url of urls) results.push(await pullUrl(url, options));
  return results;
}

class PermanentError extends Error {}

export async function pullUrl(url: string, options: PullOptions): Promise<PullResult> {
  const fetchImpl = options.fetch ?? fetch;
  const backoff = options.backoffMs ?? ((attempt: number) => 1000 * 2 ** (attempt - 1));
  await mkdir(options.inboxDir, { recursive: true });
  let lastError = '';
  for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, backoff(attempt - 1)));
    const temp = path.join(options.inboxDir, `.download-${randomUUID()}.part`);
    try {
      const response = await fetchImpl(url, { signal: AbortSignal.timeout(options.timeoutMs), redirect: 'follow' });
      if (!response.ok || !response.body) {
        const message = `HTTP ${response.status}`;
        // Client errors other than timeouts and rate limits will not change on retry.
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new PermanentError(message);
        throw new Error(message);
      }
      const fileName = fileNameOf(response.headers.get('content-disposition'), url);
      if (!fileName) throw new PermanentError('无法从地址或响应头得到文件名');
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
      // fetch undoes gzip/br transfer encodings, after which Content-Length no longer applies.
      const declared = response.headers.get('content-length');
      if (declared !== null && !response.headers.get('content-encoding')) {
        const { size } = await stat(temp);
        if (size !== Number(declared)) throw new Error(`下载不完整：收到 ${size} 字节，应为 ${declared} 字节`);
      }
      return { url, attempts: attempt, ...(await publishDownload(temp, path.join(options.inboxDir, fileName))) };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentError) return { url, status: 'failed', attempts: attempt, message: `下载失败：${lastError}` };
    } finally {
      await rm(temp, { force: true });
    }
  }
  return { url, status: 'failed', attempts: options.retries + 1, message: `下载失败（已重试 ${options.retries} 次）：${lastError}` };
}

/** Links the finished download under its name; never replaces a file already there. */
async function publishDownload(temp: string, target: string): Promise<Omit<PullResult, 'url' | 'attempts'>> {
  const fileName = path.basename(target);
  try {
    await link(temp, target);
    return { status: 'downloaded', fileName };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((await sha256File(temp)) === (await sha256File(target))) return { status: 'unchanged', fileName };
  return {
    status: 'conflict',
    fileName,
    message: `收件箱中已有同名文件“${fileName}”且内容不同，新下载的文件未保存；请先处理收件箱中的旧文件`,
  };
}

/** The file name from Content-Disposition (filename* first), else the URL's last path segment. */
export function fileNameOf(contentDisposition: string | null, url: string): string | undefined {
  let name: string | undefined;
  if (contentDisposition) {
    const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(contentDisposition);
    const plain = /filename\s*=\s*"?([^";]+)"?/.exec(contentDisposition);
    try {
      name = extended ? decodeURIComponent(extended[1]!.trim()) : plain?.[1]?.trim();
    } catch {
      name = plain?.[1]?.trim();
    }
  }
  if (!name) {
    try {
      name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    } catch {
      return undefined;
    }
  }
  // Only a plain name: no folders, no hidden files.
  const base = path.basename(name.replaceAll('\\', '/'));
  return base && !base.startsWith('.') ? base : undefined;
}
