// NFKC for CSV bytes without decoding every character through a JS string: a table of what each
// BMP code point becomes (itself, other UTF-8 bytes, or "needs its neighbours"), built once from
// String.prototype.normalize. Characters whose NFKC form is a CSV delimiter or quote (，＂﹐︐ and
// the digit-comma symbols) are kept as they are, so normalising can never change the CSV's
// structure; the SQL `clean_text` macro translates them after DuckDB has split the fields.

/** Characters kept un-normalised in CSV text: their NFKC form contains `,` or `"`. */
export const CSV_PROTECTED = /[\uFE10\uFE50\uFF02\uFF0C\u{1F101}-\u{1F10A}]/u;
const CSV_PROTECTED_SPLIT = /([\uFE10\uFE50\uFF02\uFF0C\u{1F101}-\u{1F10A}])/u;

/** NFKC of text that is part of a CSV file: everything but the protected characters. */
export function nfkcCsvText(text: string): string {
  const normalized = text.normalize('NFKC');
  if (!CSV_PROTECTED.test(text)) return normalized;
  return text
    .split(CSV_PROTECTED_SPLIT)
    .map((part, i) => (i % 2 === 1 ? part : part.normalize('NFKC')))
    .join('');
}

export const IDENTITY = 0;
export const MAPPED = 1;
/** Normalising this character may depend on its neighbours (marks, jamo): take the string path. */
export const CONTEXTUAL = 2;

export interface NfkcTable {
  /** Per BMP code point: IDENTITY, MAPPED or CONTEXTUAL. */
  kind: Uint8Array;
  /** For MAPPED code points: where their UTF-8 bytes start in `pool`, and how many there are. */
  offset: Uint32Array;
  length: Uint8Array;
  pool: Uint8Array;
}

const MARK = /\p{M}/u;
// Conjoining and compatibility jamo compose with their neighbours under NFKC.
const JAMO = /[\u1100-\u11FF\u3131-\u318E\uA960-\uA97F\uD7B0-\uD7FF\uFFA0-\uFFDC]/;
const KEPT = new Set([0xfe10, 0xfe50, 0xff02, 0xff0c]);

let table: NfkcTable | undefined;

export function nfkcTable(): NfkcTable {
  if (table) return table;
  const kind = new Uint8Array(0x10000);
  const offset = new Uint32Array(0x10000);
  const length = new Uint8Array(0x10000);
  const chunks: Buffer[] = [];
  let poolSize = 0;
  for (let cp = 0x80; cp < 0x10000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) {
      kind[cp] = CONTEXTUAL;
      continue;
    }
    if (KEPT.has(cp)) continue;
    const char = String.fromCharCode(cp);
    const normalized = char.normalize('NFKC');
    if (MARK.test(char) || JAMO.test(char) || JAMO.test(normalized) || MARK.test(normalized.charAt(0))) {
      kind[cp] = CONTEXTUAL;
    } else if (normalized !== char) {
      const bytes = Buffer.from(normalized, 'utf8');
      kind[cp] = MAPPED;
      offset[cp] = poolSize;
      length[cp] = bytes.length;
      chunks.push(bytes);
      poolSize += bytes.length;
    }
  }
  table = { kind, offset, length, pool: new Uint8Array(Buffer.concat(chunks)) };
  return table;
}
