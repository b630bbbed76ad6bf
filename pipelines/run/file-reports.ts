// A run's reports of its files (what it did with each) and what they add up to: the run's
// row counts, its status and the message that asks for attention.
import type { FileLoadResult } from '../load/batch.ts';
import type { SetAside } from '../sources/batches.ts';
import type { FileReport, RefreshResult, RunStatus } from './vocabulary.ts';
import { POISON_REASON } from './poison.ts';

/** A file the plan set aside before reading: unknown, already loaded, or in a broken pair. */
export function setAsideReport(aside: SetAside): FileReport {
  return {
    name: aside.file.name,
    fileId: aside.file.fileId,
    ...(aside.classified ? { kind: aside.classified.kind, exportDate: aside.classified.exportDate } : {}),
    source: aside.file.source,
    bytes: aside.file.bytes,
    status: aside.status,
    reasonCode: aside.reasonCode,
    message: aside.message,
    rowsRead: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
    rejectedByReason: {},
    seconds: 0,
  };
}

/** A file the run read; `validateShare` is its part of its batch's validation seconds. */
export function loadedReport(loaded: FileLoadResult, validateShare: number): FileReport {
  const { file } = loaded;
  return {
    name: file.name,
    fileId: file.fileId,
    kind: file.classified.kind,
    exportDate: file.classified.exportDate,
    source: file.source,
    ...(loaded.encoding ? { encoding: loaded.encoding } : {}),
    bytes: file.bytes,
    status: loaded.status,
    ...(loaded.reasonCode ? { reasonCode: loaded.reasonCode } : {}),
    ...(loaded.message ? { message: loaded.message } : {}),
    ...(loaded.sheet ? { sheet: loaded.sheet } : {}),
    rowsRead: loaded.rowsRead,
    rowsLoaded: loaded.rowsLoaded,
    rowsRejected: loaded.rowsRejected,
    rejectedByReason: loaded.rejectedByReason,
    seconds: loaded.readSeconds + validateShare,
    ...(loaded.status === 'loaded' && loaded.loadSeq !== undefined ? { loadSeq: loaded.loadSeq } : {}),
  };
}

export function totals(files: readonly FileReport[]): Pick<RefreshResult, 'rowsLoaded' | 'rowsRejected' | 'rejectedByReason'> {
  const rejectedByReason: Record<string, number> = {};
  let rowsLoaded = 0;
  let rowsRejected = 0;
  for (const file of files) {
    rowsLoaded += file.rowsLoaded;
    rowsRejected += file.rowsRejected;
    for (const [reason, n] of Object.entries(file.rejectedByReason)) rejectedByReason[reason] = (rejectedByReason[reason] ?? 0) + n;
  }
  return { rowsLoaded, rowsRejected, rejectedByReason };
}

/** `partial` when something sent was not loaded: a rejected row or file, or a failed download. */
export function runStatus(result: RefreshResult): RunStatus {
  // a poison file (poison.ts) is skipped, yet what was delivered was not loaded: partial
  const rejected = result.rowsRejected > 0 || result.files.some((f) => f.status === 'rejected' || f.reasonCode === POISON_REASON);
  const pullFailed = result.pulls.some((p) => p.status === 'failed' || p.status === 'conflict');
  return rejected || pullFailed ? 'partial' : 'success';
}

/** What in a published run needs someone's attention, in Chinese; undefined when nothing does. */
export function attentionMessage(result: RefreshResult): string | undefined {
  const parts: string[] = [];
  const rejectedFiles = result.files.filter((f) => f.status === 'rejected').length;
  if (rejectedFiles > 0) parts.push(`${rejectedFiles} 个文件整体未加载`);
  const poisoned = result.files.filter((f) => f.reasonCode === POISON_REASON).length;
  if (poisoned > 0) parts.push(`${poisoned} 个文件曾使刷新中断，已跳过`);
  if (result.rowsRejected > 0) parts.push(`${result.rowsRejected} 行被拒收`);
  const pulls = result.pulls.filter((p) => p.status === 'failed' || p.status === 'conflict');
  if (pulls.length > 0) parts.push(`${pulls.length} 个下载地址未取到文件`);
  return parts.length > 0 ? parts.join('，') : undefined;
}
