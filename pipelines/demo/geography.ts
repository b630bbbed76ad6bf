// The 9 county-level units of Lishui and their townships: the real 173 (reference/, a copy of
// the spec's reference data kept with the product, so a fresh clone has it)
// and, for the larger scales, synthetic townships added under the same 9 counties, since the
// export contract knows no other county.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SEED_COUNTIES, type SeedCounty } from '../contract/seeds.ts';
import type { Random } from './random.ts';

export type County = SeedCounty;

/** The 9 counties (sql/seeds/counties.csv). */
export const COUNTIES: readonly County[] = SEED_COUNTIES;

export type TownshipType = '街道' | '镇' | '乡';

export interface Township {
  countyCode: string;
  /** 9-digit statistical code for real townships; county code + 5 digits for synthetic ones. */
  code: string;
  name: string;
  type: TownshipType;
  synthetic: boolean;
}

export const TOWNSHIPS_FILE = fileURLToPath(new URL('./reference/lishui_townships.csv', import.meta.url));

/** The 173 real townships, in the file's order (by county, then code). */
export function lishuiTownships(file: string = TOWNSHIPS_FILE): Township[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines.shift();
  if (header !== 'county_code,county_name,township_code,township_name,township_type') {
    throw new Error(`乡镇参考文件 ${file} 的表头不符合预期`);
  }
  return lines.map((line) => {
    const [countyCode, , code, name, type] = line.split(',');
    if (!countyCode || !code || !name || (type !== '街道' && type !== '镇' && type !== '乡')) {
      throw new Error(`乡镇参考文件 ${file} 有一行无法读取：${line}`);
    }
    return { countyCode, code, name, type, synthetic: false };
  });
}

const FIRST_CHARS = [...'东西南北上下前后大小新古石金银玉云青白红黄龙凤双清溪沙水山岭坑源岩桥湖塘田坪坞口洋垟溪岙峰林竹松梅桃杏柳茶章高长永安宁和兴隆丰泰平福寿'];
const SECOND_CHARS = [...'溪山源坑田岭坪口湖塘桥岩洋垟畈坞岙头村店铺港渡湾滩洲阳峰林竹阁亭寺垄庄塔堡圩川关岗漾墩浦泉里'];
const TYPE_WEIGHTS: Record<TownshipType, number> = { 街道: 0.15, 镇: 0.45, 乡: 0.4 };

/**
 * `perCounty` synthetic townships for each of the 9 counties, names unique within the county
 * and never equal to a real township's name there.
 */
export function syntheticTownships(random: Random, perCounty: number, real: readonly Township[]): Township[] {
  const capacity = FIRST_CHARS.length * SECOND_CHARS.length * 3;
  if (perCounty > capacity * 0.8) throw new Error(`too many synthetic townships per county: ${perCounty}`);
  const types = Object.keys(TYPE_WEIGHTS) as TownshipType[];
  const weights = types.map((t) => TYPE_WEIGHTS[t]);
  const out: Township[] = [];
  for (const county of COUNTIES) {
    const used = new Set(real.filter((t) => t.countyCode === county.code).map((t) => t.name));
    for (let i = 0; i < perCounty; i++) {
      let name: string;
      let type: TownshipType;
      do {
        type = random.weighted(types, weights);
        name = random.pick(FIRST_CHARS) + random.pick(SECOND_CHARS) + type;
      } while (used.has(name));
      used.add(name);
      out.push({ countyCode: county.code, code: `${county.code}${10001 + i}`, name, type, synthetic: true });
    }
  }
  return out;
}
