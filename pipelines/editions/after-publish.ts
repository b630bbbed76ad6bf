// The refresh's one call into editions, after its publish (refresh.ts): record what the new
// warehouse revised in every edition. The run still holds the refresh lock, so no edition is
// taken meanwhile. The warehouse is already published: a failure here is reported, not fatal.
import type { Config } from '../config.ts';
import { recordRevisions, type Revision } from './revisions.ts';
import { editionsDirFor } from './store.ts';

export async function reviseEditionsAfterPublish(config: Config, runId: string, now: Date): Promise<Revision[]> {
  try {
    return await recordRevisions({ editionsDir: editionsDirFor(config.dataDir), warehouseFile: config.warehouseFile, runId, now });
  } catch (error) {
    process.stderr.write(`月报修订记录失败（仓库已发布，不受影响）：${(error as Error).message}\n`);
    return [];
  }
}
