// Resident ID numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence
// (odd for men), and a check character computed with ISO 7064 MOD 11-2.
import { ymdOf, type Day } from './calendar.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits. */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('an ID number body is 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

/** 18 characters, a real birth date and a correct check character (upper-case X). */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  return idCheckChar(id.slice(0, 17)) === id[17];
}

export interface IdParts {
  region: string;
  birth: Day;
  /** 0–999; its parity is the sex (odd: male). */
  sequence: number;
}

export function makeIdNumber({ region, birth, sequence }: IdParts): string {
  const { year, month, day } = ymdOf(birth);
  const body = `${region}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(sequence).padStart(3, '0')}`;
  return body + idCheckChar(body);
}

/** The same number with a wrong check character: what a typo in the last digit looks like. */
export function withWrongCheckChar(id: string): string {
  const right = idCheckChar(id.slice(0, 17));
  const index = (CHECK_CHARS.indexOf(right) + 1 + (id.charCodeAt(16) % 9)) % 11;
  return id.slice(0, 17) + CHECK_CHARS[index];
}
