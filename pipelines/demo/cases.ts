// Cases, export by export: each export lists the cases received since the previous one (with
// their status on the export date) and the earlier cases that were closed or withdrawn since.
// Only cases still open are remembered between exports, in typed arrays, so memory stays small
// at ten million cases a year.
import { ymdOf, weekdayOf, type Day } from './calendar.ts';
import { BUSINESS_LINES, type BusinessLine, type Office } from './offices.ts';
import { runningTotals, type Random } from './random.ts';
import { planProgress } from './timeline.ts';

export const CASE_STATUSES = ['办理中', '已办结', '已撤回'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface CaseRow {
  caseId: string;
  office: Office;
  line: BusinessLine;
  received: Day;
  closed: Day | null;
  status: CaseStatus;
  outcome: string | null;
  /** In fen (0.01 yuan), so amounts stay exact. */
  amountFen: number | null;
  parties: number | null;
}

/** One export's cases: the count is known before the rows are generated. */
export interface CaseExport {
  rows: number;
  generate(): Generator<CaseRow>;
}

interface LineProfile {
  weight: number;
  /** Median days to close and the log spread. */
  medianDays: number;
  spread: number;
  maxDays: number;
  withdrawn: number;
  outcomes: readonly string[];
}

const LINE_PROFILES: Record<BusinessLine, LineProfile> = {
  人民调解: { weight: 38, medianDays: 8, spread: 0.8, maxDays: 90, withdrawn: 0.03, outcomes: ['调解成功', '调解不成功'] },
  合法性审查: { weight: 9, medianDays: 5, spread: 0.6, maxDays: 30, withdrawn: 0.01, outcomes: ['出具合法性审查意见', '建议修改后通过', '审查通过'] },
  行政执法监督: { weight: 4, medianDays: 20, spread: 0.6, maxDays: 120, withdrawn: 0.01, outcomes: ['已督促整改', '未发现问题', '制发监督意见书'] },
  行政复议答复: { weight: 2, medianDays: 25, spread: 0.5, maxDays: 90, withdrawn: 0.05, outcomes: ['已提交答复书'] },
  行政诉讼应诉协调: { weight: 2, medianDays: 60, spread: 0.7, maxDays: 365, withdrawn: 0.02, outcomes: ['已协调出庭应诉', '已结案'] },
  社区矫正: { weight: 6, medianDays: 200, spread: 0.5, maxDays: 730, withdrawn: 0.005, outcomes: ['期满解除', '收监执行', '终止矫正'] },
  安置帮教: { weight: 5, medianDays: 120, spread: 0.5, maxDays: 365, withdrawn: 0.005, outcomes: ['帮教期满', '已落实安置'] },
  普法宣传: { weight: 14, medianDays: 0.6, spread: 0.8, maxDays: 3, withdrawn: 0.005, outcomes: ['已开展', '已完成'] },
  公共法律服务: { weight: 18, medianDays: 2, spread: 1, maxDays: 30, withdrawn: 0.02, outcomes: ['已解答', '已引导至法律援助', '已出具法律意见'] },
  人民陪审员选任: { weight: 2, medianDays: 30, spread: 0.5, maxDays: 120, withdrawn: 0.01, outcomes: ['已完成选任', '已提名'] },
};

/** Fewer cases around the Spring Festival and National Day, more at the year's end. */
const MONTH_FACTORS = [1.0, 0.7, 1.05, 1.0, 1.0, 1.05, 1.0, 0.95, 1.0, 0.85, 1.05, 1.35];
const MONTH_MEAN = MONTH_FACTORS.reduce((a, b) => a + b, 0) / 12;
/** Weekdays 1.2, weekend days 0.5: a week averages 1. */
const weekdayFactor = (day: Day): number => (weekdayOf(day) % 6 === 0 ? 0.5 : 1.2);

const CLOSED = 1;
const WITHDRAWN = 2;

export interface CaseStreamOptions {
  casesPerYear: number;
}

export class CaseStream {
  private readonly open = new OpenCases();
  private readonly nextSequence = new Map<number, number>();
  private readonly idDigits: number;
  private readonly totalWeight: number;

  constructor(
    private readonly offices: readonly Office[],
    private readonly options: CaseStreamOptions,
    private readonly random: Random,
  ) {
    this.idDigits = options.casesPerYear >= 5_000_000 ? 8 : 7;
    this.totalWeight = offices.reduce((sum, o) => sum + o.weight, 0);
  }

  /** The export of `exportDate`, covering the days after `previous` (exclusive). */
  planExport(previous: Day, exportDate: Day): CaseExport {
    const due = this.open.takeDue(exportDate);
    const days = exportDate - previous;
    // Counts of new cases per (day, office), drawn now so the file's row count is known.
    const counts = new Uint16Array(days * this.offices.length);
    let fresh = 0;
    for (let d = 0; d < days; d++) {
      const day = previous + 1 + d;
      const perWeight = (this.options.casesPerYear / 365 / this.totalWeight) * ((MONTH_FACTORS[ymdOf(day).month - 1] as number) / MONTH_MEAN) * weekdayFactor(day);
      for (let o = 0; o < this.offices.length; o++) {
        const n = Math.min(65535, this.random.poisson(perWeight * (this.offices[o] as Office).weight));
        counts[d * this.offices.length + o] = n;
        fresh += n;
      }
    }
    const stream = this;
    return {
      rows: due.length + fresh,
      *generate() {
        for (let i = 0; i < due.length; i++) yield due.row(i, stream.offices, stream.idDigits);
        // The lines an office handles, as of the period's first day (adoption is gradual anyway).
        const weights = stream.offices.map((office) => runningTotals(BUSINESS_LINES.map((line, i) => (previous + 1 >= (office.lineFrom[i] as Day) ? LINE_PROFILES[line].weight : 0))));
        for (let d = 0; d < days; d++) {
          const day = previous + 1 + d;
          for (let o = 0; o < stream.offices.length; o++) {
            const n = counts[d * stream.offices.length + o] as number;
            for (let k = 0; k < n; k++) yield stream.newCase(o, day, exportDate, weights[o] as Float64Array);
          }
        }
      },
    };
  }

  private newCase(officeIndex: number, received: Day, exportDate: Day, lineTotals: Float64Array): CaseRow {
    const random = this.random;
    const office = this.offices[officeIndex] as Office;
    const lineIndex = random.indexFromTotals(lineTotals);
    const line = BUSINESS_LINES[lineIndex] as BusinessLine;
    const profile = LINE_PROFILES[line];
    const year = ymdOf(received).year;
    const sequence = (this.nextSequence.get(year) ?? 0) + 1;
    this.nextSequence.set(year, sequence);
    const closeDay = received + Math.min(profile.maxDays, Math.floor(random.logNormal(profile.medianDays, profile.spread)));
    const finalStatus = random.chance(profile.withdrawn) ? WITHDRAWN : CLOSED;
    let outcome = 0;
    if (finalStatus === CLOSED) {
      if (line === '人民调解') outcome = random.chance(0.87 + 0.06 * planProgress(received)) ? 1 : 2;
      else if (random.chance(0.5)) outcome = random.int(1, profile.outcomes.length);
    }
    const amountFen = amountFor(line, random);
    const parties = partiesFor(line, random);
    const withdrawnDate = finalStatus === WITHDRAWN && random.chance(0.6);
    if (closeDay > exportDate) {
      this.open.push({ year, sequence, officeIndex, lineIndex, received, closeDay, finalStatus, outcome, amountFen, parties, withdrawnDate });
      return { caseId: caseId(year, sequence, this.idDigits), office, line, received, closed: null, status: '办理中', outcome: null, amountFen, parties };
    }
    return finalRow({ year, sequence, officeIndex, lineIndex, received, closeDay, finalStatus, outcome, amountFen, parties, withdrawnDate }, this.offices, this.idDigits);
  }
}

function caseId(year: number, sequence: number, digits: number): string {
  return `SFAJ${year}${String(sequence).padStart(digits, '0')}`;
}

function amountFor(line: BusinessLine, random: Random): number | null {
  const share = line === '人民调解' ? 0.65 : line === '行政复议答复' || line === '行政诉讼应诉协调' ? 0.2 : line === '公共法律服务' ? 0.1 : 0;
  if (!random.chance(share)) return null;
  const yuan = Math.min(5_000_000, Math.max(200, Math.round(random.logNormal(15_000, 1.2) / 100) * 100));
  return yuan * 100 + (random.chance(0.08) ? random.pick([50, 80, 20]) : 0);
}

function partiesFor(line: BusinessLine, random: Random): number | null {
  switch (line) {
    case '人民调解':
      return 2 + Math.min(6, random.poisson(0.8));
    case '行政复议答复':
    case '行政诉讼应诉协调':
      return random.int(2, 3);
    case '社区矫正':
    case '安置帮教':
      return 1;
    case '公共法律服务':
      return random.chance(0.7) ? random.int(1, 2) : null;
    default:
      return null;
  }
}

interface OpenCase {
  year: number;
  sequence: number;
  officeIndex: number;
  lineIndex: number;
  received: Day;
  closeDay: Day;
  finalStatus: number;
  outcome: number;
  amountFen: number | null;
  parties: number | null;
  withdrawnDate: boolean;
}

function finalRow(c: OpenCase, offices: readonly Office[], digits: number): CaseRow {
  const line = BUSINESS_LINES[c.lineIndex] as BusinessLine;
  const withdrawn = c.finalStatus === WITHDRAWN;
  return {
    caseId: caseId(c.year, c.sequence, digits),
    office: offices[c.officeIndex] as Office,
    line,
    received: c.received,
    closed: withdrawn && !c.withdrawnDate ? null : c.closeDay,
    status: withdrawn ? '已撤回' : '已办结',
    outcome: c.outcome === 0 ? null : (LINE_PROFILES[line].outcomes[c.outcome - 1] as string),
    amountFen: c.amountFen,
    parties: c.parties,
  };
}

/** Open cases as columns of typed arrays (about 40 bytes a case), kept in case-id order. */
class OpenCases {
  private size = 0;
  private capacity = 0;
  private year = new Uint16Array(0);
  private sequence = new Int32Array(0);
  private office = new Int32Array(0);
  private line = new Uint8Array(0);
  private received = new Int32Array(0);
  private closeDay = new Int32Array(0);
  private status = new Uint8Array(0);
  private outcome = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private amountFen = new Float64Array(0);
  private parties = new Int16Array(0);

  push(c: OpenCase): void {
    if (this.size === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
    const i = this.size++;
    this.year[i] = c.year;
    this.sequence[i] = c.sequence;
    this.office[i] = c.officeIndex;
    this.line[i] = c.lineIndex;
    this.received[i] = c.received;
    this.closeDay[i] = c.closeDay;
    this.status[i] = c.finalStatus;
    this.outcome[i] = c.outcome;
    this.flags[i] = c.withdrawnDate ? 1 : 0;
    this.amountFen[i] = c.amountFen ?? Number.NaN;
    this.parties[i] = c.parties ?? -1;
  }

  /** Removes the cases that close on or before `day` and returns them, in case-id order. */
  takeDue(day: Day): { length: number; row(i: number, offices: readonly Office[], digits: number): CaseRow } {
    const due: OpenCase[] = [];
    const columns = this.columns();
    let kept = 0;
    for (let i = 0; i < this.size; i++) {
      if ((this.closeDay[i] as number) <= day) {
        due.push(this.read(i));
      } else {
        if (kept !== i) for (const column of columns) column[kept] = column[i] as number;
        kept++;
      }
    }
    this.size = kept;
    return { length: due.length, row: (i, offices, digits) => finalRow(due[i] as OpenCase, offices, digits) };
  }

  private read(i: number): OpenCase {
    const amount = this.amountFen[i] as number;
    const parties = this.parties[i] as number;
    return {
      year: this.year[i] as number,
      sequence: this.sequence[i] as number,
      officeIndex: this.office[i] as number,
      lineIndex: this.line[i] as number,
      received: this.received[i] as number,
      closeDay: this.closeDay[i] as number,
      finalStatus: this.status[i] as number,
      outcome: this.outcome[i] as number,
      amountFen: Number.isNaN(amount) ? null : amount,
      parties: parties < 0 ? null : parties,
      withdrawnDate: this.flags[i] === 1,
    };
  }

  private columns(): (Uint16Array | Int32Array | Uint8Array | Int16Array | Float64Array)[] {
    return [this.year, this.sequence, this.office, this.line, this.received, this.closeDay, this.status, this.outcome, this.flags, this.amountFen, this.parties];
  }

  private grow(capacity: number): void {
    const grown = <T extends Uint16Array | Int32Array | Uint8Array | Int16Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old as never);
      return next;
    };
    this.year = grown(this.year, (n) => new Uint16Array(n));
    this.sequence = grown(this.sequence, (n) => new Int32Array(n));
    this.office = grown(this.office, (n) => new Int32Array(n));
    this.line = grown(this.line, (n) => new Uint8Array(n));
    this.received = grown(this.received, (n) => new Int32Array(n));
    this.closeDay = grown(this.closeDay, (n) => new Int32Array(n));
    this.status = grown(this.status, (n) => new Uint8Array(n));
    this.outcome = grown(this.outcome, (n) => new Uint8Array(n));
    this.flags = grown(this.flags, (n) => new Uint8Array(n));
    this.amountFen = grown(this.amountFen, (n) => new Float64Array(n));
    this.parties = grown(this.parties, (n) => new Int16Array(n));
    this.capacity = capacity;
  }
}
