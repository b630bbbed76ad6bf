// Small layout helpers of the charts and tables: axes zoomed to the values, line-end labels moved
// apart, header labels that wrap between words only, Plot's group names in Chinese.
import { describe, expect, it } from 'vitest';
import { chineseAriaLabel } from '../../dashboards/charts/aria.ts';
import { dodgeLabels, zoomedDomain } from '../../dashboards/charts/common.ts';
import { trainingLimits } from '../../dashboards/charts/training.ts';
import { headerWords } from '../../dashboards/components.ts';

describe('zoomedDomain', () => {
  it('shows 88–93 on an axis that starts near 88, not at 0', () => {
    expect(zoomedDomain([0.88, 0.905, 0.93])).toEqual([0.85, 0.95]);
  });
  it('never leaves [0, 1] for shares', () => {
    expect(zoomedDomain([0.01, 0.99])).toEqual([0, 1]);
  });
});

describe('dodgeLabels', () => {
  it('moves labels of close values apart by at least the gap, keeping their order', () => {
    const domain: [number, number] = [0, 1];
    const placed = dodgeLabels([0.5, 0.501, 0.499, 0.9], domain, 200, 14);
    const px = (v: number) => v * 200;
    const sorted = [...placed].sort((a, b) => b - a);
    for (let i = 1; i < sorted.length; i++) expect(px(sorted[i - 1]!) - px(sorted[i]!)).toBeGreaterThanOrEqual(14 - 1e-9);
    expect(placed[3]).toBe(0.9);
    expect(placed[1]! > placed[0]! && placed[0]! > placed[2]!).toBe(true);
  });
  it('keeps labels above the axis', () => {
    const placed = dodgeLabels([0.01, 0.0, 0.02], [0, 1], 100, 14);
    expect(Math.min(...placed)).toBeGreaterThanOrEqual(0);
  });
});

describe('trainingLimits', () => {
  it('stops the axes at 2.5x the lines when one person trained far more', () => {
    const people = [{ days: 3, hours: 20 }, { days: 112, hours: 650 }].map((p) => ({ person: 'p', office: 'o', group: 'g', ...p }));
    expect(trainingLimits(people, { requiredDays: 12, requiredHours: 90 })).toEqual({ days: 30, hours: 225 });
  });
});

describe('headerWords', () => {
  it('breaks between words, never inside one, and keeps one-character words with the one before', () => {
    expect(headerWords('年度培训达标率')).toEqual(['年度', '培训达标率']);
    expect(headerWords('县（市、区）')).toEqual(['县（市、区）']);
    expect(headerWords('重点所所长法律专业背景占比').join('')).toBe('重点所所长法律专业背景占比');
    for (const w of headerWords('重点所所长法律专业背景占比')) expect(w.length).toBeGreaterThanOrEqual(2);
  });
});

describe('chineseAriaLabel', () => {
  it("names Plot's marks and axes in Chinese", () => {
    expect(chineseAriaLabel('bar')).toBe('条形');
    expect(chineseAriaLabel('x-axis tick')).toBe('横轴刻度');
    expect(chineseAriaLabel('y-axis tick label')).toBe('纵轴刻度标签');
    expect(chineseAriaLabel('x-grid')).toBe('横轴网格线');
    expect(chineseAriaLabel('各县排名')).toBe('各县排名');
  });
});
