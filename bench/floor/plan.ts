// What the floor reads: a UTF-8 copy of every CSV export of the run (GBK and BOM files
// transcoded, plain UTF-8 files linked), and for each the contract columns its header names,
// with their types. All of this happens before the floor's clock starts.
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { classifyFileName, type ColumnType, type TableKind } from '../../pipelines/contract/exports.ts';
import type { DemoFileSummary } from '../../pipelines/demo/generate.ts';
import { readFirstRecord } from '../../pipelines/read/first-record.ts';
import { matchHeaders } from '../../pipelines/read/headers.ts';

export interface FloorColumn {
  alias: string;
  type: ColumnType;
  /** 0-based position in the file's records. */
  position: number;
}

export interface FloorFile {
  name: string;
  /** The UTF-8 copy DuckDB reads. */
  path: string;
  table: TableKind;
  /** Cells in the header record. */
  width: number;
  columns: FloorColumn[];
  bytes: number;
}

export interface FloorPlan {
  files: FloorFile[];
  /** CSV exports the floor leaves out, with why (their header does not name the contract's columns). */
  skipped: { name: string; reason: string }[];
  copySeconds: number;
}

export async function planFloor(exports: readonly DemoFileSummary[], options: { inboxDir: string; floorDir: string }): Promise<FloorPlan> {
  const started = performance.now();
  const copies = path.join(options.floorDir, 'utf8');
  await mkdir(copies, { recursive: true });
  const files: FloorFile[] = [];
  const skipped: FloorPlan['skipped'] = [];
  for (const file of exports) {
    const classified = classifyFileName(file.fileName);
    if (file.format !== 'csv' || !classified) continue;
    const table = classified.tables[0]!;
    const copy = path.join(copies, file.fileName);
    await utf8Copy(path.join(options.inboxDir, file.fileName), copy, file.encoding ?? 'utf-8');
    const header = await readFirstRecord(copy);
    let positions: Map<string, number>;
    try {
      positions = matchHeaders(table, header, { row: 1 }).positions;
    } catch (error) {
      skipped.push({ name: file.fileName, reason: (error as Error).message });
      continue;
    }
    const columns = table.columns.flatMap((column) => {
      const position = positions.get(column.alias);
      return position === undefined ? [] : [{ alias: column.alias, type: column.type, position }];
    });
    files.push({ name: file.fileName, path: copy, table: table.kind, width: header.length, columns, bytes: (await stat(copy)).size });
  }
  return { files, skipped, copySeconds: (performance.now() - started) / 1000 };
}

/** A UTF-8 copy without BOM: GBK (read as GB18030) and BOM files are transcoded, UTF-8 files linked. */
async function utf8Copy(from: string, to: string, encoding: string): Promise<void> {
  if (encoding === 'utf-8') {
    try {
      await link(from, to);
    } catch {
      await copyFile(from, to);
    }
    return;
  }
  // iconv-lite strips a leading BOM when decoding.
  await pipeline(createReadStream(from), iconv.decodeStream(encoding === 'gbk' ? 'gb18030' : 'utf8'), createWriteStream(to, { encoding: 'utf8' }));
}
