// The inbox folder: every regular file in it is an export to consider. Hidden files (names
// starting with a dot) are passed over: they are system litter (.DS_Store) or downloads still
// in progress (.<name>.part), never exports.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface InboxFile {
  /** The file's name, no folder. */
  name: string;
  path: string;
  bytes: number;
}

export async function listInbox(inboxDir: string): Promise<InboxFile[]> {
  await mkdir(inboxDir, { recursive: true });
  const entries = await readdir(inboxDir, { withFileTypes: true });
  const files: InboxFile[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(inboxDir, entry.name);
    const info = await stat(full);
    if (!info.isFile()) continue;
    files.push({ name: entry.name, path: full, bytes: info.size });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** sha256 hex of a file's bytes, streamed: the file's identity (file_id). */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
