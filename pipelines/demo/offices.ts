// The office registry: one 司法所 per township, grouped per county into "1+N" clusters (a key
// office in a central town or street coordinating 2–6 ordinary offices of its area, a few
// ordinary offices not yet attached), with attributes that follow the plan's timeline.
import type { Day } from './calendar.ts';
import { COUNTIES, type Township } from './geography.ts';
import type { Random } from './random.ts';
import { adoptionDay, NEVER, PLAN_START } from './timeline.ts';

export type Tier = 'key' | 'ordinary';

export const RECOGNISED_PLAQUES = ['行政复议联络点', '智慧矫正分中心', '行政执法监督工作室'] as const;
const OTHER_PLAQUES = ['法律援助工作站', '人民调解委员会', '公共法律服务工作站', '矛盾纠纷调解中心', '“枫桥式”司法所'] as const;

export const BUSINESS_LINES = [
  '人民调解',
  '合法性审查',
  '行政执法监督',
  '行政复议答复',
  '行政诉讼应诉协调',
  '社区矫正',
  '安置帮教',
  '普法宣传',
  '公共法律服务',
  '人民陪审员选任',
] as const;
export type BusinessLine = (typeof BUSINESS_LINES)[number];

export interface Office {
  index: number;
  code: string;
  name: string;
  township: Township;
  countyCode: string;
  tier: Tier;
  /** Ordinary offices: the key office that coordinates it, from `attachedFrom` on. */
  clusterKey: string | null;
  attachedFrom: Day;
  /** An ordinary office that names a key office of another county until `wrongUntil` (a registry mistake). */
  wrongClusterKey: string | null;
  wrongUntil: Day;
  /** Relative case volume. */
  weight: number;
  plaqueFrom: readonly [Day, Day, Day];
  otherPlaque: string | null;
  otherPlaqueFrom: Day;
  smartFrom: Day;
  /** Day each terminal was installed (sorted). */
  terminalDays: readonly Day[];
  largeVillages: number;
  /** Day each large village got its terminal. */
  villageTerminalDays: readonly Day[];
  jointMeetingFrom: Day;
  governanceMeetingFrom: Day;
  leadershipFrom: Day;
  /** Day from which the office handles each business line (BUSINESS_LINES order). */
  lineFrom: readonly Day[];
}

/** What the registry says about an office on a day. */
export interface OfficeState {
  office: Office;
  clusterKey: string | null;
  plaques: string[];
  smartOffice: boolean;
  terminals: number;
  largeVillages: number;
  largeVillagesWithTerminal: number;
  directorAttendsJointMeeting: boolean;
  directorAttendsGovernanceMeeting: boolean;
  directorInLeadership: boolean;
}

const TYPE_RANK = { 街道: 0, 镇: 1, 乡: 2 } as const;
const PILOT_SMART_COUNTIES = new Set(['331122', '331123']);

export function buildOffices(townships: readonly Township[], random: Random): Office[] {
  const offices: Office[] = [];
  for (const county of COUNTIES) {
    const own = townships.filter((t) => t.countyCode === county.code).sort((a, b) => a.code.localeCompare(b.code));
    if (own.length === 0) continue;
    const groupRandom = random.fork(`clusters/${county.code}`);
    for (const group of clusterGroups(own.length, groupRandom)) {
      const members = own.slice(group.start, group.start + group.size);
      const key = members.reduce((best, t) => (TYPE_RANK[t.type] < TYPE_RANK[best.type] ? t : best));
      for (const township of members) {
        const tier: Tier = township === key ? 'key' : 'ordinary';
        offices.push(makeOffice(offices.length, township, tier, tier === 'ordinary' ? officeCode(key) : null, random.fork(`office/${township.code}`)));
      }
    }
  }
  misattachSome(offices, random.fork('misattached'));
  return offices;
}

export function officeCode(township: Township): string {
  return `SFS${township.code}`;
}

/** Contiguous groups of 3–7 townships (1 key + 2–6 ordinary), or one group when there are fewer. */
function clusterGroups(count: number, random: Random): { start: number; size: number }[] {
  if (count < 6) return [{ start: 0, size: count }];
  const groups = Math.max(1, Math.round(count / 4.5));
  const sizes = Array.from({ length: groups }, (_, i) => Math.floor(count / groups) + (i < count % groups ? 1 : 0));
  for (let i = 0; i < groups * 2; i++) {
    const from = random.int(0, groups - 1);
    const to = random.int(0, groups - 1);
    if (from !== to && (sizes[from] as number) > 3 && (sizes[to] as number) < 7) {
      sizes[from] = (sizes[from] as number) - 1;
      sizes[to] = (sizes[to] as number) + 1;
    }
  }
  let start = 0;
  return sizes.map((size) => {
    const group = { start, size };
    start += size;
    return group;
  });
}

function makeOffice(index: number, township: Township, tier: Tier, clusterKey: string | null, random: Random): Office {
  const key = tier === 'key';
  const typeWeight = township.type === '街道' ? 2.2 : township.type === '镇' ? 1.3 : 0.6;
  const pilot = PILOT_SMART_COUNTIES.has(township.countyCode);
  const largeVillages =
    township.type === '街道' ? random.int(0, 4) : township.type === '镇' ? random.int(3, 12) : random.int(0, 6);
  // Most ordinary offices are attached from the start; some only during the plan, a few never.
  const attachedFrom = clusterKey === null ? NEVER : random.chance(0.9) ? PLAN_START - 400 : adoptionDay(random, 0, 0.8);
  const terminalDays = [adoptionDay(random, 0.72, 0.99), adoptionDay(random, key ? 0.3 : 0.1, key ? 0.8 : 0.35), adoptionDay(random, 0, key ? 0.3 : 0.05)]
    .filter((d) => d !== NEVER)
    .sort((a, b) => a - b);
  const otherPlaque = random.chance(key ? 0.35 : 0.12) ? random.pick(OTHER_PLAQUES) : null;
  return {
    index,
    code: officeCode(township),
    name: `${township.name}司法所`,
    township,
    countyCode: township.countyCode,
    tier,
    clusterKey,
    attachedFrom,
    wrongClusterKey: null,
    wrongUntil: NEVER,
    weight: typeWeight * (key ? 1.3 : 1) * random.logNormal(1, 0.35),
    plaqueFrom: key
      ? [adoptionDay(random, 0.3, 0.92), adoptionDay(random, 0.15, 0.7), adoptionDay(random, 0.25, 0.85)]
      : [adoptionDay(random, 0, 0.08), NEVER, NEVER],
    otherPlaque,
    otherPlaqueFrom: otherPlaque ? adoptionDay(random, 0.5, 1) : NEVER,
    smartFrom: key ? (pilot ? adoptionDay(random, 0.75, 1) : adoptionDay(random, 0.05, 0.7)) : pilot ? adoptionDay(random, 0.1, 0.4) : adoptionDay(random, 0, 0.06),
    terminalDays,
    largeVillages,
    villageTerminalDays: Array.from({ length: largeVillages }, () => adoptionDay(random, 0.15, 0.8)),
    jointMeetingFrom: key ? adoptionDay(random, 0.6, 0.97) : adoptionDay(random, 0.3, 0.7),
    governanceMeetingFrom: key ? adoptionDay(random, 0.65, 0.98) : adoptionDay(random, 0.4, 0.8),
    leadershipFrom: key ? adoptionDay(random, 0.2, 0.6) : adoptionDay(random, 0.05, 0.25),
    lineFrom: BUSINESS_LINES.map((line) => lineAdoption(line, key, random)),
  };
}

function lineAdoption(line: BusinessLine, key: boolean, random: Random): Day {
  switch (line) {
    case '人民调解':
    case '普法宣传':
    case '公共法律服务':
      return PLAN_START - 3000;
    case '社区矫正':
    case '安置帮教':
      return adoptionDay(random, 0.85, 1);
    case '合法性审查':
      return key ? adoptionDay(random, 0.6, 1) : adoptionDay(random, 0.3, 0.9);
    case '行政执法监督':
      return key ? adoptionDay(random, 0.4, 0.95) : adoptionDay(random, 0.15, 0.7);
    case '行政复议答复':
      return key ? adoptionDay(random, 0.3, 0.9) : adoptionDay(random, 0.1, 0.5);
    case '行政诉讼应诉协调':
      return key ? adoptionDay(random, 0.3, 0.85) : adoptionDay(random, 0.1, 0.4);
    case '人民陪审员选任':
      return key ? adoptionDay(random, 0.5, 0.8) : adoptionDay(random, 0.2, 0.5);
  }
}

/** About one ordinary office in 60 names a key office of a neighbouring county for a while. */
function misattachSome(offices: Office[], random: Random): void {
  const keys = offices.filter((o) => o.tier === 'key');
  for (const office of offices) {
    if (office.tier !== 'ordinary' || !random.chance(1 / 60)) continue;
    const elsewhere = keys.filter((k) => k.countyCode !== office.countyCode);
    if (elsewhere.length === 0) continue;
    office.wrongClusterKey = random.pick(elsewhere).code;
    office.wrongUntil = adoptionDay(random, 0, 0.9);
  }
}

const countUpTo = (days: readonly Day[], day: Day): number => {
  let n = 0;
  for (const d of days) if (d <= day) n++;
  return n;
};

export function officeStateOn(office: Office, day: Day): OfficeState {
  let clusterKey: string | null = null;
  if (office.tier === 'ordinary') {
    if (office.wrongClusterKey !== null && day < office.wrongUntil) clusterKey = office.wrongClusterKey;
    else if (day >= office.attachedFrom) clusterKey = office.clusterKey;
  }
  const plaques: string[] = [];
  RECOGNISED_PLAQUES.forEach((plaque, i) => {
    if (day >= (office.plaqueFrom[i] as Day)) plaques.push(plaque);
  });
  if (office.otherPlaque !== null && day >= office.otherPlaqueFrom) plaques.push(office.otherPlaque);
  return {
    office,
    clusterKey,
    plaques,
    smartOffice: day >= office.smartFrom,
    terminals: countUpTo(office.terminalDays, day),
    largeVillages: office.largeVillages,
    largeVillagesWithTerminal: countUpTo(office.villageTerminalDays, day),
    directorAttendsJointMeeting: day >= office.jointMeetingFrom,
    directorAttendsGovernanceMeeting: day >= office.governanceMeetingFrom,
    directorInLeadership: day >= office.leadershipFrom,
  };
}
