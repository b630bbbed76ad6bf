// Which exports the history has and when: case exports monthly, training exports quarterly,
// office snapshots half-yearly in earlier years and quarterly in the last one, each kind ending
// with an export on the end date; or exactly two of each kind (tiny). Formats rotate through the
// scale's list, so workbooks and CSV pairs alternate.
import { dayFromYmd, monthEnd, ymdOf, type Day } from './calendar.ts';
import type { Random } from './random.ts';
import type { FileFormatChoice, ScaleParameters } from './scales.ts';

export type ExportKind = 'snapshot' | 'cases' | 'training';

export interface PlannedExport {
  kind: ExportKind;
  date: Day;
  /** The previous export of the same kind, or the day before the history starts. */
  previous: Day;
  format: FileFormatChoice;
  /** The last export of its kind. */
  last: boolean;
}

export interface ScheduleOptions {
  start: Day;
  end: Day;
  parameters: ScaleParameters;
  random: Random;
}

export function exportSchedule({ start, end, parameters, random }: ScheduleOptions): PlannedExport[] {
  const datesByKind: Record<ExportKind, Day[]> =
    parameters.cadence === 'two'
      ? { snapshot: twoDates(start, end), cases: twoDates(start, end), training: twoDates(start, end) }
      : { snapshot: snapshotDates(start, end), cases: monthEnds(start, end, 1), training: monthEnds(start, end, 3) };
  const planned: PlannedExport[] = [];
  for (const kind of ['snapshot', 'cases', 'training'] as const) {
    const formats = parameters.formats[kind];
    const offset = parameters.cadence === 'two' ? 0 : random.int(0, formats.length - 1);
    const dates = datesByKind[kind];
    dates.forEach((date, i) => {
      planned.push({ kind, date, previous: i === 0 ? start - 1 : (dates[i - 1] as Day), format: formats[(i + offset) % formats.length] as FileFormatChoice, last: i === dates.length - 1 });
    });
  }
  const kindOrder: Record<ExportKind, number> = { snapshot: 0, cases: 1, training: 2 };
  return planned.sort((a, b) => a.date - b.date || kindOrder[a.kind] - kindOrder[b.kind]);
}

function twoDates(start: Day, end: Day): Day[] {
  const middle = start + Math.floor((end - start) / 2);
  return middle < end ? [middle, end] : [end - 1, end];
}

/** Ends of every `months`-th month (calendar quarters for 3) before the end date, then the end date. */
function monthEnds(start: Day, end: Day, months: number): Day[] {
  const out: Day[] = [];
  const { year: firstYear } = ymdOf(start);
  for (let year = firstYear; ; year++) {
    for (let month = months; month <= 12; month += months) {
      const day = monthEnd(year, month);
      if (day >= end) {
        out.push(end);
        return out;
      }
      if (day >= start) out.push(day);
    }
  }
}

/** 30 June and 31 December in earlier years; quarter ends in the end date's year; then the end date. */
function snapshotDates(start: Day, end: Day): Day[] {
  const out: Day[] = [];
  const lastYear = ymdOf(end).year;
  for (let year = ymdOf(start).year; year <= lastYear; year++) {
    const candidates = year < lastYear ? [dayFromYmd(year, 6, 30), dayFromYmd(year, 12, 31)] : [monthEnd(year, 3), monthEnd(year, 6), monthEnd(year, 9)];
    for (const day of candidates) if (day >= start && day < end) out.push(day);
  }
  out.push(end);
  return out;
}
