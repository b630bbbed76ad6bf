// The sizes of the demo sets (the scale table of ../shared/spec/README.md) and the file
// formats each scale writes.

export type Scale = 'tiny' | 'lishui' | 'province' | 'national';
export const SCALES: readonly Scale[] = ['tiny', 'lishui', 'province', 'national'];

export type Encoding = 'gbk' | 'utf-8-bom' | 'utf-8';
/** How a file is written: a CSV in one of three encodings, or a workbook. */
export type FileFormatChoice = Encoding | 'xlsx';

export interface ScaleParameters {
  /** Real Lishui townships used: all 173, or the first few of some counties (tiny). */
  realTownships: 'all' | { perCounty: number; counties: readonly string[] };
  /** Synthetic townships added to each of the 9 counties. */
  syntheticPerCounty: number;
  /** Staff per office at the start: [min, max]. */
  staffPerOffice: readonly [number, number];
  casesPerYear: number;
  trainingPerYear: number;
  defaultYears: number;
  /** `two`: exactly two files of each kind, halfway and at the end date (tiny). */
  cadence: 'calendar' | 'two';
  /** Formats to choose from, with weights, per kind of file. */
  formats: {
    snapshot: readonly FileFormatChoice[];
    cases: readonly FileFormatChoice[];
    training: readonly FileFormatChoice[];
  };
  /** Decorations that make files messier: extra columns with line breaks, trailing empty rows. */
  decorate: boolean;
}

const ALL_CSV: readonly FileFormatChoice[] = ['gbk', 'gbk', 'utf-8-bom', 'utf-8'];
const MIXED: readonly FileFormatChoice[] = ['gbk', 'gbk', 'utf-8-bom', 'utf-8', 'xlsx'];
/** Office snapshots alternate between the workbook and the CSV pair. */
const SNAPSHOTS: readonly FileFormatChoice[] = ['xlsx', 'gbk', 'xlsx', 'utf-8-bom', 'xlsx', 'utf-8'];

export const SCALE_PARAMETERS: Readonly<Record<Scale, ScaleParameters>> = {
  tiny: {
    realTownships: { perCounty: 4, counties: ['331102', '331122'] },
    syntheticPerCounty: 0,
    staffPerOffice: [5, 6],
    casesPerYear: 600,
    trainingPerYear: 300,
    defaultYears: 1,
    cadence: 'two',
    formats: { snapshot: ['xlsx', 'gbk'], cases: ['utf-8', 'xlsx'], training: ['gbk', 'utf-8-bom'] },
    decorate: true,
  },
  lishui: {
    realTownships: 'all',
    syntheticPerCounty: 0,
    staffPerOffice: [5, 7],
    casesPerYear: 60_000,
    trainingPerYear: 15_000,
    defaultYears: 3,
    cadence: 'calendar',
    formats: { snapshot: SNAPSHOTS, cases: MIXED, training: MIXED },
    decorate: true,
  },
  // Workbooks only for the office registry: the benchmark's floor reads CSV, so case and
  // training files stay CSV where the figures are compared.
  province: {
    realTownships: 'all',
    syntheticPerCounty: 136,
    staffPerOffice: [4, 7],
    casesPerYear: 500_000,
    trainingPerYear: 120_000,
    defaultYears: 3,
    cadence: 'calendar',
    formats: { snapshot: SNAPSHOTS, cases: ALL_CSV, training: ALL_CSV },
    decorate: true,
  },
  national: {
    realTownships: 'all',
    syntheticPerCounty: 4425,
    staffPerOffice: [3, 4],
    casesPerYear: 10_000_000,
    trainingPerYear: 2_000_000,
    defaultYears: 1,
    cadence: 'calendar',
    formats: { snapshot: ['gbk', 'utf-8'], cases: ['gbk', 'utf-8'], training: ['gbk', 'utf-8'] },
    decorate: false,
  },
};
