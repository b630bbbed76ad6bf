// The generator's small parts, with answers worked out by hand.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayFromIso, dayFromYmd, isoOf } from '../../pipelines/demo/calendar.ts';
import { idCheckChar, isValidIdNumber, makeIdNumber, withWrongCheckChar } from '../../pipelines/demo/id-number.ts';
import { Random } from '../../pipelines/demo/random.ts';
import { SCALE_PARAMETERS } from '../../pipelines/demo/scales.ts';
import { exportSchedule } from '../../pipelines/demo/schedule.ts';
import { badDateText, chooseStyle, formatAmount, formatDate, type FileStyle } from '../../pipelines/demo/style.ts';
import { XlsxFile } from '../../pipelines/demo/xlsx-file.ts';
import { parseDate } from './reference-rules.ts';

describe('ID numbers (GB 11643)', () => {
  it('computes the check character of worked examples', () => {
    // 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → X
    expect(idCheckChar('11010519491231002')).toBe('X');
    // 4·7+4·9+0+5·5+2·8+4·4+1·2+8·1+8·6+0+0+1·9+0+1·5+0+0+1·2 = 195; 195 mod 11 = 8 → 4
    expect(idCheckChar('44052418800101001')).toBe('4');
  });

  it('builds valid numbers from region, birth date and sex, and wrong ones on purpose', () => {
    const id = makeIdNumber({ region: '331102', birth: dayFromYmd(1985, 3, 7), sequence: 123 });
    expect(id.slice(0, 17)).toBe('33110219850307123');
    expect(isValidIdNumber(id)).toBe(true);
    const random = new Random('ids');
    for (let i = 0; i < 500; i++) {
      const valid = makeIdNumber({ region: '331122', birth: dayFromYmd(1965, 1, 1) + random.int(0, 13000), sequence: random.int(0, 999) });
      expect(isValidIdNumber(valid)).toBe(true);
      expect(isValidIdNumber(withWrongCheckChar(valid))).toBe(false);
    }
    expect(isValidIdNumber('331102198502307120')).toBe(false); // 30 February
  });
});

describe('value forms', () => {
  const style = (over: Partial<FileStyle>): FileStyle => ({ ...chooseStyle(new Random('s'), { format: 'csv', encoding: 'utf-8', decorate: false }), numberCells: false, ...over });
  const random = new Random('forms');

  it('writes amounts plain, with thousands separators, or in 万, exactly', () => {
    expect(formatAmount(29_920_000, style({ numbers: 'wan' }), random)).toBe('29.92万');
    expect(formatAmount(1_200_000, style({ numbers: 'wan' }), random)).toBe('1.2万');
    expect(formatAmount(1_000_000, style({ numbers: 'wan' }), random)).toBe('1万');
    expect(formatAmount(1_200_050, style({ numbers: 'wan' }), random)).toBe('12000.50'); // fen: not a round 万 figure
    expect(formatAmount(1_200_050, style({ numbers: 'thousands' }), random)).toBe('12,000.50');
    expect(formatAmount(35_000, style({ numbers: 'plain' }), random)).toBe('350');
  });

  it('writes dates in the contract forms, and bad dates that no form reads', () => {
    const day = dayFromIso('2024-08-02');
    expect(formatDate(day, style({ dates: 'cn', dateTimes: false }), random)).toBe('2024年8月2日');
    expect(formatDate(day, style({ dates: 'slash', dateTimes: false }), random)).toBe('2024/8/2');
    expect(formatDate(day, style({ dates: 'compact', dateTimes: false }), random)).toBe('20240802');
    expect(formatDate(day, style({ dates: 'dot', dateTimes: false }), random)).toBe('2024.8.2');
    expect(formatDate(day, style({ dates: 'serial' }), random)).toBe(45506); // 2024-08-02 in Excel's 1900 system
    for (let i = 0; i < 300; i++) {
      expect(parseDate(badDateText(day + i, style({ dates: i % 2 ? 'compact' : 'iso' }), random), 'csv')).toBe('bad');
    }
  });
});

describe('export calendar', () => {
  it('writes monthly case, quarterly training and half-yearly then quarterly snapshot exports, ending on the end date', () => {
    const start = dayFromIso('2023-01-01');
    const end = dayFromIso('2025-11-20');
    const plan = exportSchedule({ start, end, parameters: SCALE_PARAMETERS.lishui, random: new Random('cal') });
    const dates = (kind: string): string[] => plan.filter((p) => p.kind === kind).map((p) => isoOf(p.date));
    expect(dates('snapshot')).toEqual(['2023-06-30', '2023-12-31', '2024-06-30', '2024-12-31', '2025-03-31', '2025-06-30', '2025-09-30', '2025-11-20']);
    expect(dates('training')).toEqual(['2023-03-31', '2023-06-30', '2023-09-30', '2023-12-31', '2024-03-31', '2024-06-30', '2024-09-30', '2024-12-31', '2025-03-31', '2025-06-30', '2025-09-30', '2025-11-20']);
    const cases = dates('cases');
    expect(cases).toHaveLength(35);
    expect(cases.slice(0, 3)).toEqual(['2023-01-31', '2023-02-28', '2023-03-31']);
    expect(cases.at(-1)).toBe('2025-11-20');
    // Each export covers the days after the previous one of its kind.
    const casePlans = plan.filter((p) => p.kind === 'cases');
    expect(casePlans[0]?.previous).toBe(start - 1);
    expect(casePlans[1]?.previous).toBe(casePlans[0]?.date);
    // Snapshots alternate between the workbook and a CSV pair.
    const formats = plan.filter((p) => p.kind === 'snapshot').map((p) => p.format === 'xlsx');
    formats.slice(1).forEach((isXlsx, i) => expect(isXlsx).toBe(!formats[i]));
  });
});

describe('workbooks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'demo-xlsx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('stamps every zip entry with the export date, not the time of writing', async () => {
    const file = path.join(dir, 'cases_20240802.xlsx');
    const xlsx = XlsxFile.create(file, new Date(Date.UTC(2024, 7, 2)));
    const sheet = xlsx.addSheet('Sheet1', 'yyyy-mm-dd');
    sheet.writeRow(['案件编号', '受理日期']);
    sheet.writeRow(['SFAJ20240000001', new Date(Date.UTC(2024, 7, 1))]);
    sheet.commit();
    await xlsx.close();
    const zip = await readFile(file);
    // DOS date of 2024-08-02: (2024 − 1980) << 9 | 8 << 5 | 2 = 22528 + 256 + 2 = 22786; time 0.
    let entries = 0;
    for (let at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); at >= 0; at = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 4)) {
      expect(zip.readUInt16LE(at + 14)).toBe(22786);
      expect(zip.readUInt16LE(at + 12)).toBe(0);
      const local = zip.readUInt32LE(at + 42);
      expect(zip.readUInt16LE(local + 12)).toBe(22786);
      entries++;
    }
    expect(entries).toBeGreaterThan(5);
  });
});
