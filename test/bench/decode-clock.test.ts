// The bench's decode timing from a refresh's progress events: per file from its group's start
// or its first event to its last, overlapping files counted once.
import { describe, expect, it } from 'vitest';
import { DecodeClock } from '../../bench/decode-clock.ts';
import { percentile } from '../../bench/percentiles.ts';

const start = (file: string) => ({ type: 'file-start', file, index: 1, total: 1 }) as const;
const bytes = (file: string, bytesDone: number, bytesTotal = 100) => ({ type: 'file-progress', file, bytesDone, bytesTotal }) as const;

describe('DecodeClock', () => {
  it('times a file from its group start to its last byte, a later file from its first event', () => {
    const clock = new DecodeClock();
    clock.onEvent(start('a.csv'), 0);
    clock.onEvent(start('b.csv'), 10);
    clock.onEvent(bytes('a.csv', 50), 400);
    clock.onEvent(bytes('a.csv', 100), 1010);
    // b is read after a's DuckDB read: its own events bound it
    clock.onEvent(bytes('b.csv', 60), 3000);
    clock.onEvent(bytes('b.csv', 100), 3500);
    expect(clock.totalSeconds()).toBeCloseTo(1.0 + 0.5, 9);
  });

  it('counts files decoding at the same time once, and ignores rows-only events (workbooks)', () => {
    const clock = new DecodeClock();
    clock.onEvent(start('a.csv'), 0);
    clock.onEvent(start('b.csv'), 0);
    clock.onEvent(bytes('a.csv', 10), 100);
    clock.onEvent(bytes('b.csv', 10), 200);
    clock.onEvent({ type: 'file-progress', file: 'c.xlsx', rows: 500 }, 250);
    clock.onEvent(bytes('a.csv', 100), 1000);
    clock.onEvent(bytes('b.csv', 100), 1500);
    // a: 0..1000, b: 200..1500 → 0..1500
    expect(clock.totalSeconds()).toBeCloseTo(1.5, 9);
  });

  it('has nothing for files that were not transcoded', () => {
    const clock = new DecodeClock();
    clock.onEvent(start('clean.csv'), 0);
    clock.onEvent({ type: 'stage-end', stage: 'read', seconds: 2 }, 2000);
    expect(clock.totalSeconds()).toBe(0);
  });
});

describe('percentile (nearest rank)', () => {
  it('picks the value at rank ceil(p/100 × n)', () => {
    const values = Float64Array.from({ length: 200 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(100);
    expect(percentile(values, 95)).toBe(190);
    expect(percentile(values, 99)).toBe(198);
    expect(percentile(values, 100)).toBe(200);
    expect(percentile(new Float64Array(0), 99)).toBe(0);
  });
});
