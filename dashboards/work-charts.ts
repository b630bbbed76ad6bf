// Chart specs shared by the cluster, office, training and cases pages: staffing by post, cases
// by business line per month, training days and hours per person against the 12 / 90 lines.
import type { ChartSpec } from './charts/render.ts';
import { zh } from './i18n/zh.ts';
import { zhDisplay } from './i18n/zh-display.ts';
import type { MonthlyCases, StaffingRow, TrainingPerson } from './queries/marts.ts';

export function staffingSpec(rows: StaffingRow[], id = 'staffing'): ChartSpec {
  const posts = rows.filter((r) => r.dimension === 'post').sort((a, b) => a.sort_order - b.sort_order);
  return {
    id,
    payload: {
      kind: 'staffing',
      title: zh.staffing.title,
      description: zh.staffing.description,
      width: 560,
      data: posts.map((r) => ({ category: r.category, staff: r.staff_count, qualified: r.legal_qualified_count })),
      options: { staffLabel: zh.staffing.staff, qualifiedLabel: zh.staffing.qualified },
    },
    table: {
      columns: [
        { key: 'category', label: zh.staffing.dimension.post ?? '' },
        { key: 'staff', label: zh.staffing.staff },
        { key: 'qualified', label: zh.staffing.qualified },
      ],
      rows: posts.map((r) => ({ category: r.category, staff: r.staff_count, qualified: r.legal_qualified_count })),
    },
  };
}

/** The months of a year up to the last month with data (January at least). */
export function monthsOf(year: string, monthly: MonthlyCases[]): string[] {
  const last = monthly.reduce((m, r) => (r.month > m ? r.month : m), `${year}-01`);
  const count = Number(last.slice(5, 7));
  return Array.from({ length: count }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

export function monthlySpec(monthly: MonthlyCases[], lines: string[], scopeName: string, year: string, id = 'monthly'): ChartSpec {
  const data = monthly.filter((m) => m.received > 0).map((m) => ({ month: m.month, line: m.business_line, count: m.received }));
  return {
    id,
    payload: {
      kind: 'monthly',
      title: zh.cases.monthlyTitle,
      description: zh.cases.monthlyDescription(scopeName, year),
      width: 1100,
      data,
      options: { lines, months: monthsOf(year, monthly), yLabel: zh.cases.columns.received },
    },
    table: {
      columns: [
        { key: 'month', label: zh.cases.columns.month },
        { key: 'line', label: zh.cases.columns.line },
        { key: 'received', label: zh.cases.columns.received },
        { key: 'closed', label: zh.cases.columns.closed },
        { key: 'withdrawn', label: zh.cases.columns.withdrawn },
        { key: 'in_progress', label: zh.cases.columns.inProgress },
      ],
      rows: monthly.map((m) => ({ month: m.month, line: m.business_line, received: m.received, closed: m.closed, withdrawn: m.withdrawn, in_progress: m.in_progress })),
    },
  };
}

export function trainingGroup(person: TrainingPerson): string {
  if (!person.in_denominator) return zh.training.newStaff;
  return person.complies ? zh.training.complies : zh.training.notComplies;
}

export function trainingSpec(people: TrainingPerson[], officeNames: Map<string, string>, id = 'training'): ChartSpec {
  const first = people[0];
  const requiredDays = first?.required_days ?? 12;
  const requiredHours = first?.required_hours ?? 90;
  const counted = people.filter((p) => p.in_denominator);
  const below = counted.filter((p) => !p.complies).length;
  return {
    id,
    payload: {
      kind: 'training',
      title: zh.training.scatterTitle,
      // who is below the line, in words first: the chart shows where they are
      description: `${zhDisplay.training.belowLine(below, counted.length, requiredDays, requiredHours)}${zh.training.scatterDescription}`,
      width: 1100,
      data: people.map((p) => ({
        person: p.person_code,
        office: officeNames.get(p.office_code) ?? p.office_code,
        days: p.days,
        hours: p.hours,
        group: trainingGroup(p),
      })),
      options: {
        groups: [zh.training.complies, zh.training.notComplies, zh.training.newStaff],
        requiredDays,
        requiredHours,
        xLabel: `${zh.training.columns.days}（${zh.units.days}）`,
        yLabel: `${zh.training.columns.hours}（${zh.units.hours}）`,
        daysLine: `${requiredDays} ${zh.units.days}`,
        hoursLine: `${requiredHours} ${zh.units.hours}`,
        clippedLabel: zhDisplay.training.clipped,
        peopleUnit: zh.units.people,
      },
    },
    table: {
      columns: [
        { key: 'person', label: zh.training.columns.person },
        { key: 'office', label: zh.training.columns.office },
        { key: 'role', label: zh.training.columns.role },
        { key: 'days', label: zh.training.columns.days },
        { key: 'hours', label: zh.training.columns.hours },
        { key: 'complies', label: zh.training.columns.complies },
        { key: 'counted', label: zh.training.columns.inDenominator },
      ],
      rows: people.map((p) => ({
        person: p.person_code,
        office: officeNames.get(p.office_code) ?? p.office_code,
        role: p.role,
        days: p.days,
        hours: p.hours,
        complies: p.complies ? zh.yesNo.yes : zh.yesNo.no,
        counted: p.in_denominator ? zh.yesNo.yes : zh.yesNo.no,
      })),
    },
  };
}
