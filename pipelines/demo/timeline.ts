// The reform's timeline: things the plan asks for (plaques, 智慧司法所, terminals, qualified
// staff …) are adopted office by office between the plan's start and its full roll-out. Each
// adoption is one day drawn once, so a snapshot on any date is a pure function of that date
// and the history is monotone without simulating it step by step.
import { dayFromYmd, type Day } from './calendar.ts';
import type { Random } from './random.ts';

export const PLAN_START: Day = dayFromYmd(2023, 1, 1);
export const PLAN_DONE: Day = dayFromYmd(2026, 12, 31);
export const NEVER: Day = Number.POSITIVE_INFINITY;

/**
 * The day something is adopted: with probability `atStart` before the plan, with
 * `atEnd − atStart` on a day of the plan's span, otherwise never. The share adopted on day d
 * rises linearly from `atStart` to `atEnd` over the plan.
 */
export function adoptionDay(random: Random, atStart: number, atEnd: number): Day {
  const r = random.next();
  if (r < atStart) return PLAN_START - 1 - random.int(0, 2000);
  if (r < atEnd) return PLAN_START + Math.floor(((r - atStart) / (atEnd - atStart)) * (PLAN_DONE - PLAN_START));
  return NEVER;
}

/** How far the plan has come on a day, 0 … 1. */
export function planProgress(day: Day): number {
  return Math.min(1, Math.max(0, (day - PLAN_START) / (PLAN_DONE - PLAN_START)));
}
