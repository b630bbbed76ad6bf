// Colours of the dashboards. Colour-blind safe: Okabe & Ito's palette for roles and status,
// Paul Tol's "muted" scheme (plus a grey) for the ten business lines. Status is never shown by
// colour alone (icons and words go with it; chart symbols differ in shape).

export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

export const COLORS = {
  /** The unit in focus (bars, the county's dot, its line). */
  focus: OKABE_ITO.blue,
  /** Other units, context. */
  context: '#9aa5b1',
  contextLight: '#d5dbe1',
  /** Text naming a context line (darker than the line, for contrast). */
  contextInk: '#52606d',
  /** The city as a reference. */
  city: '#1f2933',
  /** Target marks. */
  target: OKABE_ITO.vermillion,
  complies: OKABE_ITO.bluishGreen,
  fails: OKABE_ITO.vermillion,
  neutral: '#7b8794',
  qualified: '#084a83',
  staff: '#9cc3e6',
  /** Ranked units other than the one in focus (dark enough against white: 3:1 at least). */
  ranked: '#627d98',
} as const;

/** Ten business lines, in the plan's order (Tol muted + grey). */
export const CATEGORY_10 = [
  '#332288', '#88CCEE', '#44AA99', '#117733', '#999933',
  '#DDCC77', '#CC6677', '#882255', '#AA4499', '#777777',
] as const;

export const FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';
