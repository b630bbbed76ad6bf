// Rollback: a warehouse kept in W.history/ becomes W again, atomically, under the refresh lock.
// The replaced W is kept in the history first, so a rollback can itself be undone (--to).
import { existsSync } from 'node:fs';
import { historyFileFor, keepInHistory, listHistory, pruneHistory, readPublishedRunId, replaceAtomically } from './history.ts';
import { acquireRefreshLock } from './lock.ts';

export class RollbackError extends Error {}

export interface RollbackOptions {
  warehouseFile: string;
  /** The run whose warehouse to restore; default the newest one older than the current. */
  to?: string;
  /** History warehouses to keep (config.keepWarehouses). */
  keep: number;
}

export interface RollbackResult {
  warehouseFile: string;
  restoredRunId: string;
  replacedRunId?: string;
  replacedKeptAs?: string;
  /** Run ids of the history after the rollback, oldest first. */
  history: string[];
}

export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const { warehouseFile } = options;
  const lock = await acquireRefreshLock(warehouseFile, { trigger: 'cli' });
  try {
    const current = await readPublishedRunId(warehouseFile);
    const history = await listHistory(warehouseFile);
    const target = options.to
      ? history.find((entry) => entry.runId === options.to)
      : history.filter((entry) => current === undefined || entry.runId < current).at(-1);
    if (!target) {
      const known = history.map((e) => e.runId).join('，') || '（无）';
      throw new RollbackError(
        options.to ? `历史中没有运行 ${options.to} 的仓库。可回退的：${known}` : `没有比当前仓库（运行 ${current ?? '未知'}）更早的历史仓库可回退。可回退的：${known}`,
      );
    }
    if (target.runId === current) throw new RollbackError(`当前仓库已经是运行 ${current} 发布的，无需回退。`);
    let replacedKeptAs: string | undefined;
    if (current && existsSync(warehouseFile)) {
      await keepInHistory(warehouseFile, current);
      replacedKeptAs = historyFileFor(warehouseFile, current);
    }
    await replaceAtomically(target.file, warehouseFile);
    await pruneHistory(warehouseFile, { keep: options.keep, currentRunId: target.runId });
    return {
      warehouseFile,
      restoredRunId: target.runId,
      ...(current ? { replacedRunId: current } : {}),
      ...(replacedKeptAs ? { replacedKeptAs } : {}),
      history: (await listHistory(warehouseFile)).map((e) => e.runId),
    };
  } finally {
    await lock.release();
  }
}
