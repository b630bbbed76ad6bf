// The staff of the offices over the history: an initial roster, then quarter by quarter people
// retire, leave or move to another office of their county (a new row with a new start date),
// vacancies are filled after a while (a 副所长 is often promoted to 所长; a director's successor
// sometimes starts before the predecessor's end date is recorded), and qualifications are
// gained along the plan's timeline. A roster on any day is read off this history.
import { dayFromYmd, ymdOf, type Day } from './calendar.ts';
import { COUNTIES } from './geography.ts';
import { makeIdNumber } from './id-number.ts';
import { personName } from './names.ts';
import type { Office } from './offices.ts';
import type { Random } from './random.ts';
import { adoptionDay, NEVER, PLAN_DONE, PLAN_START, planProgress } from './timeline.ts';

export const ROLES = ['所长', '副所长', '工作人员', '司法协理员'] as const;
export type Role = (typeof ROLES)[number];
export const STAFFING_TYPES = ['政法专编', '行政编制', '事业编制', '司法协理员', '其他'] as const;
export type StaffingType = (typeof STAFFING_TYPES)[number];
export const POSTS = ['法治统筹协调岗', '合法性审查岗', '行政执法监督岗', '社区矫正（安置帮教）岗', '矛盾纠纷调处岗', '法律服务岗'] as const;
/** Posts written in rosters that are not among the plan's six (kept, counted for nothing). */
const OTHER_POSTS = ['综合岗', '内勤', '法律援助岗', '人民调解岗'] as const;
const REVIEW_POSTS = new Set<string>(['合法性审查岗', '行政执法监督岗']);

export interface Stint {
  office: Office;
  role: Role;
  staffingType: StaffingType;
  /** Key-office directors not yet on a 政法专编 post move onto one during the plan (or never). */
  zhengfaFrom: Day;
  posts: readonly string[];
  /** A second post taken on during the plan (or never). */
  secondPost: string;
  secondPostFrom: Day;
  /** 到岗日期 as the roster writes it. */
  start: Day;
  /** The day this row replaced the person's previous one (a move or a promotion). */
  validFrom: Day;
  /** Last day in this row (left, moved or promoted); null while it lasts. */
  end: Day | null;
}

export interface Person {
  serial: number;
  id: string;
  name: string;
  male: boolean;
  birth: Day;
  legalBackgroundFrom: Day;
  qualificationFrom: Day;
  certificateFrom: Day;
  publicLawyerFrom: Day;
  stints: Stint[];
}

/** A person's row in a roster on a day. */
export interface RosterRow {
  person: Person;
  stint: Stint;
  /** 离岗日期 when it is on or before the roster's day. */
  end: Day | null;
  staffingType: StaffingType;
  posts: string[];
  legalBackground: boolean;
  legalQualification: boolean;
  enforcementCertificate: boolean;
  publicLawyer: boolean;
}

export interface StaffOptions {
  staffPerOffice: readonly [number, number];
  /** First day of the history: the initial roster is in post on it. */
  from: Day;
  to: Day;
}

const ROLE_RANK: Record<Role, number> = { 所长: 0, 副所长: 1, 工作人员: 2, 司法协理员: 3 };
/** Rosters keep people who left for about a year, with their 离岗日期. */
const LEAVERS_SHOWN_DAYS = 365;

export class StaffHistory {
  readonly persons: Person[] = [];
  private readonly usedIds = new Set<string>();
  private readonly officesByCounty = new Map<string, Office[]>();
  /** Everyone who ever had a row at each office (by office index). */
  private readonly members: Person[][];

  private constructor(
    private readonly offices: readonly Office[],
    private readonly random: Random,
  ) {
    this.members = offices.map(() => []);
    for (const office of offices) {
      const list = this.officesByCounty.get(office.countyCode) ?? [];
      list.push(office);
      this.officesByCounty.set(office.countyCode, list);
    }
  }

  static simulate(offices: readonly Office[], options: StaffOptions, random: Random): StaffHistory {
    const history = new StaffHistory(offices, random);
    history.hireInitialRoster(options);
    history.runQuarters(options);
    return history;
  }

  /** Everyone the roster of `day` lists, by office, role and start date. */
  rosterOn(day: Day): RosterRow[] {
    const rows: RosterRow[] = [];
    for (const person of this.persons) {
      const stint = stintOn(person, day);
      if (!stint || stint.start > day) continue;
      if (stint.end !== null && stint.end < day - LEAVERS_SHOWN_DAYS) continue;
      const posts = day >= stint.secondPostFrom ? [...stint.posts, stint.secondPost] : [...stint.posts];
      rows.push({
        person,
        stint,
        end: stint.end !== null && stint.end <= day ? stint.end : null,
        staffingType: day >= stint.zhengfaFrom ? '政法专编' : stint.staffingType,
        posts,
        legalBackground: day >= person.legalBackgroundFrom,
        legalQualification: day >= person.qualificationFrom,
        enforcementCertificate: day >= person.certificateFrom,
        publicLawyer: day >= person.publicLawyerFrom,
      });
    }
    return rows.sort(
      (a, b) =>
        a.stint.office.index - b.stint.office.index ||
        ROLE_RANK[a.stint.role] - ROLE_RANK[b.stint.role] ||
        a.stint.start - b.stint.start ||
        a.person.serial - b.person.serial,
    );
  }

  private hireInitialRoster({ staffPerOffice: [min, max], from }: StaffOptions): void {
    for (const office of this.offices) {
      const random = this.random.fork(`initial/${office.code}`);
      const headcount = random.int(min, max) + (office.tier === 'key' && random.chance(0.5) ? 1 : 0);
      const roles: Role[] = ['所长'];
      if (office.tier === 'key' || headcount >= 6) roles.push('副所长');
      const assistants = headcount >= 6 ? 2 : 1;
      while (roles.length < headcount - assistants) roles.push('工作人员');
      while (roles.length < headcount) roles.push('司法协理员');
      for (const role of roles) {
        const yearsInPost = random.next() < 0.3 ? random.int(0, 3) : random.int(1, 15);
        const start = from - yearsInPost * 365 - random.int(0, 364);
        this.hire(office, role, start, random);
      }
    }
  }

  private runQuarters({ from, to }: StaffOptions): void {
    const random = this.random.fork('turnover');
    const vacancies: { office: Office; role: Role; day: Day }[] = [];
    for (let quarterStart = from; quarterStart <= to; ) {
      const { year, month } = ymdOf(quarterStart);
      const quarterEnd = Math.min(to, dayFromYmd(year, month + 3, 1) - 1);
      const dayIn = (): Day => random.int(quarterStart, quarterEnd);
      for (const person of this.persons.slice()) {
        const stint = person.stints[person.stints.length - 1] as Stint;
        if (stint.end !== null || stint.start > quarterEnd) continue;
        const sixtieth = dayFromYmd(ymdOf(person.birth).year + 60, ymdOf(person.birth).month, ymdOf(person.birth).day);
        if (sixtieth <= quarterEnd) {
          const leaveDay = Math.max(quarterStart, sixtieth);
          stint.end = leaveDay;
          vacancies.push({ office: stint.office, role: stint.role, day: this.fillDay(stint.role, leaveDay, random) });
        } else if (random.chance(0.011)) {
          const leaveDay = dayIn();
          stint.end = leaveDay;
          vacancies.push({ office: stint.office, role: stint.role, day: this.fillDay(stint.role, leaveDay, random) });
        } else if (stint.role !== '所长' && random.chance(0.007)) {
          const others = (this.officesByCounty.get(stint.office.countyCode) ?? []).filter((o) => o !== stint.office);
          if (others.length === 0) continue;
          const moveDay = dayIn();
          stint.end = moveDay - 1;
          vacancies.push({ office: stint.office, role: stint.role, day: this.fillDay(stint.role, moveDay, random) });
          const role: Role = stint.role === '司法协理员' ? '司法协理员' : '工作人员';
          this.addStint(person, this.newStint(random.pick(others), role, moveDay, random));
        }
      }
      vacancies.sort((a, b) => a.day - b.day);
      while (vacancies.length > 0 && (vacancies[0] as { day: Day }).day <= quarterEnd) {
        const vacancy = vacancies.shift() as { office: Office; role: Role; day: Day };
        const deputy = vacancy.role === '所长' ? this.activeDeputy(vacancy.office) : undefined;
        if (deputy && random.chance(0.5)) {
          const old = deputy.stints[deputy.stints.length - 1] as Stint;
          old.end = vacancy.day - 1;
          // A promoted deputy keeps the 到岗日期 of the office; the new row applies from the promotion.
          this.addStint(deputy, { ...this.newStint(vacancy.office, '所长', vacancy.day, random), start: old.start });
          vacancies.push({ office: vacancy.office, role: '副所长', day: vacancy.day + random.int(30, 120) });
          vacancies.sort((a, b) => a.day - b.day);
        } else {
          this.hire(vacancy.office, vacancy.role, vacancy.day, random);
        }
      }
      quarterStart = quarterEnd + 1;
    }
  }

  /** When a vacancy is filled: after 3 weeks to 5 months; a director's successor sometimes a little before. */
  private fillDay(role: Role, leaveDay: Day, random: Random): Day {
    if (role === '所长' && random.chance(0.12)) return leaveDay - random.int(1, 20);
    return leaveDay + random.int(20, 150);
  }

  private activeDeputy(office: Office): Person | undefined {
    return (this.members[office.index] ?? []).find((p) => {
      const stint = p.stints[p.stints.length - 1] as Stint;
      return stint.office === office && stint.role === '副所长' && stint.end === null;
    });
  }

  private hire(office: Office, role: Role, start: Day, random: Random): Person {
    const progress = planProgress(start);
    const startYear = ymdOf(start).year;
    // Born 1965–2000 and at least 22 at the start; directors at least 30; recent hires mostly young.
    const latest = Math.min(role === '所长' ? 1990 : 2000, startYear - (role === '所长' ? 30 : 22));
    const earliest = startYear >= 2020 && role !== '所长' ? Math.max(1965, startYear - 40) : 1965;
    const birthYear = random.int(Math.min(earliest, latest), latest);
    const birth = dayFromYmd(birthYear, 1, 1) + random.int(0, 364);
    const male = random.chance(role === '司法协理员' ? 0.4 : 0.55);
    const keyDirector = role === '所长' && office.tier === 'key';

    const backgroundShare = (keyDirector ? 0.55 : role === '所长' ? 0.45 : role === '司法协理员' ? 0.3 : 0.45) + (start >= PLAN_START ? 0.25 + 0.15 * progress : 0);
    const legalBackgroundFrom = random.chance(backgroundShare)
      ? -Infinity
      : random.chance(keyDirector ? 0.7 : 0.1)
        ? PLAN_START + random.int(0, PLAN_DONE - PLAN_START)
        : NEVER;
    const hasBackground = legalBackgroundFrom !== NEVER;

    const person: Person = {
      serial: this.persons.length,
      id: this.newId(office, birth, male, random),
      name: personName(random, male),
      male,
      birth,
      legalBackgroundFrom,
      qualificationFrom: NEVER,
      certificateFrom: adoptionDay(random, 0.45, 0.8),
      publicLawyerFrom: NEVER,
      stints: [],
    };
    const stint = this.newStint(office, role, start, random);
    const reviewPost = stint.posts.some((p) => REVIEW_POSTS.has(p)) || REVIEW_POSTS.has(stint.secondPost);
    // New staff on the review posts are meant to hold the qualification (the plan); older ones catch up.
    const qualified = reviewPost ? (start >= PLAN_START ? 0.5 + 0.45 * progress : 0.55) : hasBackground ? 0.35 : 0.04;
    const gains = reviewPost ? 0.75 : hasBackground ? 0.3 : 0.02;
    person.qualificationFrom = random.chance(qualified) ? -Infinity : random.chance(gains) ? PLAN_START + random.int(0, PLAN_DONE - PLAN_START) : NEVER;
    if (person.qualificationFrom !== NEVER) {
      const lawyerFrom = adoptionDay(random, 0.15, 0.6);
      person.publicLawyerFrom = lawyerFrom === NEVER ? NEVER : Math.max(lawyerFrom, person.qualificationFrom + 90);
    }
    this.persons.push(person);
    this.addStint(person, stint);
    return person;
  }

  private addStint(person: Person, stint: Stint): void {
    person.stints.push(stint);
    const members = this.members[stint.office.index];
    if (members && !members.includes(person)) members.push(person);
  }

  /** A new row from `start` on (its validFrom is the same day). */
  private newStint(office: Office, role: Role, start: Day, random: Random): Stint {
    const posts = [primaryPost(role, random)];
    if (random.chance(0.05)) posts.push(random.pick(OTHER_POSTS));
    const second = random.pick(POSTS.filter((p) => p !== posts[0]));
    const keyDirector = role === '所长' && office.tier === 'key';
    const staffingType = staffingTypeFor(role, keyDirector, start, random);
    return {
      office,
      role,
      staffingType,
      zhengfaFrom: keyDirector && staffingType !== '政法专编' ? adoptionDay(random, 0, 0.75) : NEVER,
      posts,
      secondPost: second,
      secondPostFrom: adoptionDay(random, office.tier === 'key' ? 0.2 : 0.1, office.tier === 'key' ? 0.75 : 0.45),
      start,
      validFrom: start,
      end: null,
    };
  }

  private newId(office: Office, birth: Day, male: boolean, random: Random): string {
    for (;;) {
      // Mostly born in the office's own county; some elsewhere in Lishui.
      const region = random.chance(0.7) ? office.countyCode : random.chance(0.15) ? '331100' : random.pick(COUNTIES).code;
      const sequence = random.int(0, 499) * 2 + (male ? 1 : 0);
      const id = makeIdNumber({ region, birth, sequence });
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }
}

/** The row of the person that applies on a day: the latest one whose validFrom is on or before it. */
function stintOn(person: Person, day: Day): Stint | undefined {
  for (let i = person.stints.length - 1; i >= 0; i--) {
    const stint = person.stints[i] as Stint;
    if (stint.validFrom <= day) return stint;
  }
  return undefined;
}

function primaryPost(role: Role, random: Random): string {
  if (role === '所长') return random.chance(0.8) ? '法治统筹协调岗' : random.pick(POSTS);
  if (role === '司法协理员') return random.pick(['矛盾纠纷调处岗', '社区矫正（安置帮教）岗', '法律服务岗'] as const);
  return random.weighted(POSTS, [1, 2, 1.5, 2, 2.5, 2]);
}

function staffingTypeFor(role: Role, keyDirector: boolean, start: Day, random: Random): StaffingType {
  const duringPlan = start >= PLAN_START;
  switch (role) {
    case '所长':
      if (keyDirector) return random.chance(duringPlan ? 0.96 : 0.8) ? '政法专编' : '行政编制';
      return random.chance(0.6) ? '政法专编' : '行政编制';
    case '副所长':
      return random.weighted(['政法专编', '行政编制', '事业编制'] as const, [5, 3.5, 1.5]);
    case '工作人员':
      return random.weighted(['政法专编', '行政编制', '事业编制', '其他'] as const, [3.5, 2, 3, 1.5]);
    case '司法协理员':
      return random.chance(0.9) ? '司法协理员' : '其他';
  }
}
