// ID numbers (身份证号) inside free text: the one TypeScript definition of "ID-shaped", for
// messages that leave the SQL (file rejections, run messages, journals, logs, alerts). The SQL
// side is sql/macros/id_number.sql (id_number_pattern, scrub_id_numbers); the two are held to
// the same cases by test/harden/id-mask.test.ts.

/**
 * 15 or more digits, or 14 or more and a final X, neighbours optionally parted by up to three
 * spaces or '-'; anywhere in the text (letters may touch it), as many times as it occurs. The
 * X form comes first: of two alternatives both engines (RE2, JavaScript) take the first that
 * matches at a position. Identical to the SQL macro id_number_pattern().
 */
export const ID_NUMBER_PATTERN = '[0-9](?:[ -]{0,3}[0-9]){13,}[ -]{0,3}[Xx]|[0-9](?:[ -]{0,3}[0-9]){14,}';

const ID_NUMBER = new RegExp(ID_NUMBER_PATTERN, 'g');

/** One run masked like the SQL mask_id: separators dropped, first 6 and last 4 kept. */
function maskRun(run: string): string {
  const chars = run.replace(/[ -]/g, '');
  return `${chars.slice(0, 6)}${'*'.repeat(chars.length - 10)}${chars.slice(-4)}`;
}

/** The text with every ID-shaped run masked (331102198705086257 → 331102********6257). */
export function maskIdNumbers(text: string): string {
  return text.replace(ID_NUMBER, maskRun);
}

/** Whether the text still holds an ID-shaped run. */
export function hasIdNumber(text: string): boolean {
  ID_NUMBER.lastIndex = 0;
  const found = ID_NUMBER.test(text);
  ID_NUMBER.lastIndex = 0;
  return found;
}

/** Every string inside a JSON-like value masked (log fields, alert details). */
export function maskIdNumbersDeep<T>(value: T): T {
  if (typeof value === 'string') return maskIdNumbers(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskIdNumbersDeep(v)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskIdNumbersDeep(v)])) as T;
  }
  return value;
}
