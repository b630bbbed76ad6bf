// The status legend tells the band that statusOf applies, whatever AMBER_BAND is set to.
import { describe, expect, it } from 'vitest';
import { AMBER_BAND, statusLegend, statusOf } from '../../dashboards/status.ts';

describe('status legend', () => {
  it('names the amber band in percentage points, the one statusOf uses', () => {
    const points = Math.round(AMBER_BAND * 100);
    expect(statusLegend()).toContain(`${points} 个百分点`);
    expect(statusOf(0.9 - AMBER_BAND, 0.9)).toBe('amber');
    expect(statusOf(0.9 - AMBER_BAND - 0.001, 0.9)).toBe('red');
  });
});
