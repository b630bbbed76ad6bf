// Training records, export by export (quarterly on the calendar): courses with Chinese names,
// online and offline, one to several days; a record is exported once it has ended, so a course
// over New Year lands in the next year's first file; about one record in eighty comes again in
// the next file with corrected hours. A few records belong to people on no roster (county
// bureau staff who joined a course).
import { dayFromYmd, weekdayOf, ymdOf, type Day } from './calendar.ts';
import { COUNTIES } from './geography.ts';
import { makeIdNumber } from './id-number.ts';
import { personName } from './names.ts';
import type { Random } from './random.ts';
import type { Person, StaffHistory } from './staff.ts';
import { planProgress } from './timeline.ts';

export type TrainingMode = '线上' | '线下';

export interface Trainee {
  id: string;
  name: string;
}

export interface TrainingRow {
  recordId: string;
  person: Trainee;
  course: string;
  start: Day;
  end: Day;
  /** In half hours, so sums stay exact. */
  halfHours: number;
  mode: TrainingMode;
}

export interface TrainingExport {
  rows: number;
  generate(): Generator<TrainingRow>;
}

interface Course {
  name: string;
  mode: TrainingMode;
  days: readonly [number, number];
  /** Half hours per day (offline) or for the whole record (online). */
  halfHours: readonly [number, number];
  perDay: boolean;
  weight: number;
}

const COURSES: readonly Course[] = [
  { name: '全市司法所长能力提升培训班', mode: '线下', days: [3, 5], halfHours: [13, 16], perDay: true, weight: 1 },
  { name: '人民调解员业务培训', mode: '线下', days: [1, 2], halfHours: [12, 16], perDay: true, weight: 3 },
  { name: '社区矫正执法规范化培训', mode: '线下', days: [2, 3], halfHours: [12, 16], perDay: true, weight: 2 },
  { name: '合法性审查实务培训', mode: '线下', days: [2, 4], halfHours: [12, 15], perDay: true, weight: 2 },
  { name: '行政执法监督业务培训班', mode: '线下', days: [2, 3], halfHours: [12, 15], perDay: true, weight: 1.5 },
  { name: '公共法律服务业务培训', mode: '线下', days: [1, 2], halfHours: [10, 14], perDay: true, weight: 2 },
  { name: '法治乡村建设专题培训', mode: '线下', days: [1, 1], halfHours: [8, 14], perDay: true, weight: 2 },
  { name: '新入职司法所工作人员岗前培训', mode: '线下', days: [5, 5], halfHours: [14, 16], perDay: true, weight: 0.5 },
  { name: '司法协理员业务轮训', mode: '线下', days: [2, 2], halfHours: [12, 14], perDay: true, weight: 1 },
  { name: '智慧司法所系统操作培训', mode: '线下', days: [1, 1], halfHours: [6, 12], perDay: true, weight: 1 },
  { name: '习近平法治思想专题学习', mode: '线下', days: [1, 2], halfHours: [10, 14], perDay: true, weight: 1.5 },
  { name: '党纪学习教育专题培训', mode: '线下', days: [1, 1], halfHours: [6, 12], perDay: true, weight: 1.5 },
  { name: '行政复议法（新修订）专题讲座', mode: '线下', days: [1, 1], halfHours: [4, 8], perDay: true, weight: 1 },
  { name: '民法典宣传骨干培训班', mode: '线下', days: [2, 3], halfHours: [12, 14], perDay: true, weight: 1 },
  { name: '矛盾纠纷多元化解实务研讨', mode: '线下', days: [1, 2], halfHours: [10, 14], perDay: true, weight: 1 },
  { name: '“枫桥经验”现场教学', mode: '线下', days: [2, 3], halfHours: [12, 16], perDay: true, weight: 0.8 },
  { name: '网络学院：行政处罚法解读', mode: '线上', days: [1, 1], halfHours: [2, 6], perDay: false, weight: 6 },
  { name: '线上课程：安置帮教政策解读', mode: '线上', days: [1, 1], halfHours: [1, 4], perDay: false, weight: 5 },
  { name: '之江法云：社区矫正法实施条例', mode: '线上', days: [1, 1], halfHours: [2, 6], perDay: false, weight: 5 },
  { name: '浙江政务学院：公文写作与处理', mode: '线上', days: [1, 1], halfHours: [1, 4], perDay: false, weight: 4 },
  { name: '网络学院：人民调解法律实务', mode: '线上', days: [1, 1], halfHours: [2, 6], perDay: false, weight: 6 },
  { name: '线上课程：合法性审查要点', mode: '线上', days: [1, 1], halfHours: [2, 6], perDay: false, weight: 4 },
  { name: '学习强国·法治专题', mode: '线上', days: [1, 1], halfHours: [1, 4], perDay: false, weight: 5 },
  { name: '线上专题班：行政执法监督规范', mode: '线上', days: [3, 7], halfHours: [12, 24], perDay: false, weight: 1 },
  { name: '网络学院：公职律师履职实务（专题班）', mode: '线上', days: [5, 10], halfHours: [16, 32], perDay: false, weight: 0.8 },
];
const COURSE_WEIGHTS = COURSES.map((c) => c.weight);

export interface TrainingStreamOptions {
  trainingPerYear: number;
  /** The history's first and last day: the yearly volume is spread over its average headcount. */
  from: Day;
  to: Day;
}

interface Participant {
  trainee: Trainee;
  from: Day;
  to: Day;
  /** How keen: multiplies the person's rate of records. */
  diligence: number;
}

export class TrainingStream {
  private readonly participants: Participant[] = [];
  private readonly outsiders: Participant[] = [];
  private readonly nextSequence = new Map<number, number>();
  /** Records generated earlier that end after their export's date. */
  private carried: TrainingRow[] = [];
  /** Records of the previous file that come again with corrected hours. */
  private corrections: TrainingRow[] = [];
  private readonly ratePerPersonDay: number;
  private readonly outsiderRatePerDay: number;

  constructor(
    staff: StaffHistory,
    options: TrainingStreamOptions,
    private readonly random: Random,
  ) {
    const traits = random.fork('traits');
    for (const person of staff.persons) this.participants.push(participantOf(person, traits));
    const outsiderCount = Math.max(5, Math.round(staff.persons.length * 0.03));
    for (let i = 0; i < outsiderCount; i++) this.outsiders.push(outsider(traits));
    // ~2% of records are outsiders'; the rest spread over the average headcount.
    let personDays = 0;
    for (const p of this.participants) personDays += Math.max(0, Math.min(options.to, p.to) - Math.max(options.from, p.from) + 1);
    const headcount = Math.max(1, personDays / (options.to - options.from + 1));
    this.ratePerPersonDay = (options.trainingPerYear * 0.98) / 365 / headcount;
    this.outsiderRatePerDay = (options.trainingPerYear * 0.02) / 365 / this.outsiders.length;
  }

  /** The export of `exportDate`: records ended after `previous` (exclusive) and on or before it. */
  planExport(previous: Day, exportDate: Day, last: boolean): TrainingExport {
    const random = this.random;
    const rows: TrainingRow[] = [...this.corrections];
    const stillCarried: TrainingRow[] = [];
    for (const row of this.carried) (row.end <= exportDate ? rows : stillCarried).push(row);
    for (const [group, rate] of [[this.participants, this.ratePerPersonDay], [this.outsiders, this.outsiderRatePerDay]] as const) {
      for (const participant of group) {
        const from = Math.max(previous + 1, participant.from);
        const to = Math.min(exportDate, participant.to);
        if (to < from) continue;
        const yearFactor = 0.85 + 0.3 * planProgress(from);
        const count = random.poisson(rate * participant.diligence * yearFactor * (to - from + 1));
        for (let k = 0; k < count; k++) {
          const row = this.newRecord(participant.trainee, random.int(from, to));
          (row.end <= exportDate ? rows : stillCarried).push(row);
        }
      }
    }
    // A record that has not ended by the last export is not exported at all.
    this.carried = last ? [] : stillCarried;
    this.corrections = rows.filter(() => random.chance(0.012)).map((row) => ({ ...row, halfHours: correctedHours(row, random) }));
    return {
      rows: rows.length,
      *generate() {
        yield* rows;
      },
    };
  }

  private newRecord(person: Trainee, day: Day): TrainingRow {
    const random = this.random;
    const course = random.weighted(COURSES, COURSE_WEIGHTS);
    let start = day;
    // Offline courses start on working days.
    if (course.mode === '线下' && weekdayOf(start) === 6) start += 2;
    else if (course.mode === '线下' && weekdayOf(start) === 0) start += 1;
    const days = random.int(course.days[0], course.days[1]);
    const end = start + days - 1;
    const halfHours = course.perDay
      ? Array.from({ length: days }, () => random.int(course.halfHours[0], course.halfHours[1])).reduce((a, b) => a + b, 0)
      : random.int(course.halfHours[0], course.halfHours[1]);
    const year = ymdOf(start).year;
    const sequence = (this.nextSequence.get(year) ?? 0) + 1;
    this.nextSequence.set(year, sequence);
    return { recordId: `PX${year}${String(sequence).padStart(7, '0')}`, person, course: course.name, start, end, halfHours, mode: course.mode };
  }
}

function participantOf(person: Person, random: Random): Participant {
  const first = person.stints[0];
  const last = person.stints[person.stints.length - 1];
  return {
    trainee: { id: person.id, name: person.name },
    from: first ? first.start : Number.POSITIVE_INFINITY,
    to: last && last.end !== null ? last.end : Number.POSITIVE_INFINITY,
    // Log-normal with mean 1: some people train far more than others.
    diligence: Math.exp(0.6 * random.normal() - 0.18),
  };
}

function outsider(random: Random): Participant {
  const male = random.chance(0.5);
  const birth = dayFromYmd(random.int(1968, 1998), 1, 1) + random.int(0, 364);
  const region = random.chance(0.8) ? random.pick(COUNTIES).code : random.pick(['330102', '330302', '330702', '331002']);
  return {
    trainee: { id: makeIdNumber({ region, birth, sequence: random.int(0, 499) * 2 + (male ? 1 : 0) }), name: personName(random, male) },
    from: Number.NEGATIVE_INFINITY,
    to: Number.POSITIVE_INFINITY,
    diligence: 1,
  };
}

/** A corrected figure: half an hour to two hours off, within 0.5 … 24 × days. */
function correctedHours(row: TrainingRow, random: Random): number {
  const days = row.end - row.start + 1;
  const delta = random.int(1, 4) * (random.chance(0.5) ? 1 : -1);
  return Math.min(48 * days, Math.max(1, row.halfHours + delta));
}
