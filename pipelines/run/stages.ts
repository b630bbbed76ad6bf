// The named stages of a refresh and the seconds spent in each. Stages that repeat per batch
// (read, validate) add up.

export const STAGES = ['prepare', 'sources', 'read', 'validate', 'build', 'tests', 'publish', 'archive'] as const;
export type StageName = (typeof STAGES)[number];

export type StageEvent = { type: 'stage-start'; stage: StageName } | { type: 'stage-end'; stage: StageName; seconds: number };

export class StageClock {
  readonly seconds: Record<StageName, number> = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<StageName, number>;

  constructor(private readonly onEvent: (event: StageEvent) => void = () => {}) {}

  /** Runs one stage, timing it. */
  async time<T>(stage: StageName, work: () => Promise<T>): Promise<T> {
    this.onEvent({ type: 'stage-start', stage });
    const started = performance.now();
    try {
      return await work();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      this.seconds[stage] += seconds;
      this.onEvent({ type: 'stage-end', stage, seconds });
    }
  }

  /** Adds time measured elsewhere (per batch). */
  add(stage: StageName, seconds: number): void {
    this.seconds[stage] += seconds;
  }

  /** Seconds per stage, rounded to milliseconds, in run order. */
  toJSON(): Record<StageName, number> {
    return Object.fromEntries(STAGES.map((s) => [s, Math.round(this.seconds[s] * 1000) / 1000])) as Record<StageName, number>;
  }
}
