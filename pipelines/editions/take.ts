// Taking an edition between refreshes: under W's refresh lock (lock.ts), so that no refresh
// publishes while the figures are read and the revision step of a refresh never runs meanwhile.
import { publishedRunIdOf } from '../run/history.ts';
import { acquireRefreshLock } from '../run/lock.ts';
import type { RunTrigger } from '../run/vocabulary.ts';
import { takeEdition, type EditionManifest } from './store.ts';

export interface TakeLockedOptions {
  dir: string;
  warehouseFile: string;
  edition: string;
  takenBy: string;
  /** Who holds the lock meanwhile, as others see it (schedule, api, cli). */
  trigger: RunTrigger;
  now: () => Date;
}

/** Takes the edition under the refresh lock; RefreshBusyError when a refresh holds it. */
export async function takeEditionLocked(options: TakeLockedOptions): Promise<EditionManifest> {
  const lock = await acquireRefreshLock(options.warehouseFile, { trigger: options.trigger });
  try {
    return await takeEdition({
      dir: options.dir,
      warehouseFile: options.warehouseFile,
      edition: options.edition,
      takenBy: options.takenBy,
      now: options.now(),
      runIdOf: publishedRunIdOf,
    });
  } finally {
    await lock.release();
  }
}

