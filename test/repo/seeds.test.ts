// The fixed lists have one seed each (sql/seeds/): the warehouse and the TypeScript read the
// same file. The demo generator keeps its own typed list of business lines (each with its
// profile), which must be the seed's, in the seed's order.
import { describe, expect, it } from 'vitest';
import { SEED_BUSINESS_LINES, SEED_COUNTIES, SEED_PLAN_TASKS } from '../../pipelines/contract/seeds.ts';
import { CASES } from '../../pipelines/contract/exports.ts';
import { BUSINESS_LINES } from '../../pipelines/demo/offices.ts';

describe('seeds', () => {
  it("hold the 9 counties, the 10 business lines and the plan's 8 tasks", () => {
    expect(SEED_PLAN_TASKS).toEqual(['党的建设', '管理体制', '职能定位', '工作机制', '人员力量', '队伍能力', '数智水平', '基础保障']);
    expect(SEED_COUNTIES.map((c) => c.code)).toEqual(['331102', '331121', '331122', '331123', '331124', '331125', '331126', '331127', '331181']);
    expect(SEED_BUSINESS_LINES).toHaveLength(10);
    expect(new Set(SEED_BUSINESS_LINES).size).toBe(10);
  });

  it('are what the export contract and the demo generator use', () => {
    expect(CASES.columns.find((c) => c.alias === 'business_line')?.values).toEqual(SEED_BUSINESS_LINES);
    expect([...BUSINESS_LINES]).toEqual(SEED_BUSINESS_LINES);
  });
});
