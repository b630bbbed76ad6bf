// Run ids name warehouse files, analyst copies and journal entries, and the history (and so a
// rollback's "previous warehouse") goes by their order: ids of one second must still sort in time.
import { describe, expect, it } from 'vitest';
import { newRunId, RUN_ID_PATTERN } from '../../pipelines/run/vocabulary.ts';

describe('run ids', () => {
  it('have the file-safe form and sort by time, also within one second', () => {
    const instants = ['2026-12-06T03:38:07.000Z', '2026-12-06T03:38:07.009Z', '2026-12-06T03:38:07.010Z', '2026-12-06T03:38:07.999Z', '2026-12-06T03:38:08.000Z'];
    for (let round = 0; round < 20; round++) {
      const ids = instants.map((iso) => newRunId(new Date(iso)));
      for (const id of ids) expect(id).toMatch(RUN_ID_PATTERN);
      expect([...ids].sort()).toEqual(ids);
    }
    expect(newRunId(new Date('2026-12-06T03:38:07.999Z'))).toMatch(/^20261206T033807Z-3e7[0-9a-f]{3}$/);
  });
});
