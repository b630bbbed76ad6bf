// Which records of a CSV file hold a cell that clean_text (sql/macros/text.sql) would change,
// found while the file's bytes pass through JavaScript anyway (encoding.ts). Staging skips
// clean_text's per-cell regex for every other record (cleaned_cells): a quarter of the
// validation, and most exports have no cell or only a few to clean. Tested on the bytes DuckDB
// reads (the export itself, or its UTF-8 NFKC copy), with records numbered as the landing
// numbers them (the header is record 1).
//
// clean_text trims white space (ASCII, \v, the Unicode spaces, U+0085, U+200B, U+FEFF) at both
// ends of a cell and translates ︐﹐＂， and 🄁…🄊. A record needs it when:
// - a white space byte is next to a cell boundary (`,`, `"`, a line end, the file's start or
//   end); a space inside a cell is fine, one next to a `,` or `"` inside a quoted cell counts
//   too (the record only goes the exact way);
// - it holds a tab, \v or \f, a CR but in CRLF, a line feed inside quotes, or one of the
//   non-ASCII white space or protected characters.
// The test errs one way only: a record may be called dirty for nothing, never clean wrongly.
// The numbering must be DuckDB's: a quote where DuckDB might read it otherwise (not at a cell's
// start, a closing quote not followed by a boundary) makes the whole file dirty, and so does a
// last landed record (the landing's max row_number) other than the scan's (csv.ts,
// checkRecordNumbers).

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;

function isBoundary(b: number): boolean {
  return b === COMMA || b === QUOTE || b === LF || b === CR;
}

/** What the scan found: records to clean, or the whole file. */
export interface CellCheck {
  /** Every record goes through clean_text (the numbering may not be DuckDB's, or most records need it). */
  wholeFile: boolean;
  /** Record numbers (ascending; the header is 1) with a cell clean_text would change. */
  dirtyRecords: number[];
  /** The last record with a cell that is not empty or white space: DuckDB's last landed row. */
  lastContentRecord: number;
}

/** Beyond this many records to clean, the file goes through clean_text whole. */
const MAX_DIRTY_RECORDS = 20_000;

/** Scans a file piece by piece (pieces end at a line feed, so no character is split). */
export class CleanCellScanner {
  #wholeFile = false;
  readonly #dirty: number[] = [];
  #inQuotes = false;
  /** The last byte before the next piece: a line feed stands for the start of the file. */
  #lastByte = LF;
  #record = 1;
  /** The current record has a byte DuckDB's emptiness test (\s*, separators) does not skip. */
  #content = false;
  #lastContent = 0;

  scan(piece: Uint8Array): void {
    if (this.#wholeFile || piece.length === 0) return;
    let inQuotes = this.#inQuotes;
    let content = this.#content;
    let record = this.#record;
    const n = piece.length;
    for (let i = 0; i < n; i++) {
      const b = piece[i]!;
      // letters, digits and most of printable ASCII: content, nothing to look at
      if (b > COMMA && b < 0x80) {
        content = true;
        continue;
      }
      if (b === COMMA) continue;
      if (b > QUOTE && b < COMMA) {
        content = true;
        continue;
      }
      if (b >= 0x80) {
        content = true;
        // CJK ideographs (lead bytes E4–E9), most of the non-ASCII text, are skipped whole
        if (b < 0xe4 || b > 0xe9) {
          if (isDirtySequence(piece, i)) this.#markDirty(record);
          i += b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
        } else {
          i += 2;
        }
      } else if (b === QUOTE) {
        const before = i > 0 ? piece[i - 1]! : this.#lastByte;
        if (!inQuotes) {
          // an opening quote starts a cell
          if (before !== COMMA && before !== LF) return this.#dirtyWholeFile();
          inQuotes = true;
        } else if (piece[i + 1] === QUOTE) {
          // an escaped quote inside the cell
          i++;
          content = true;
        } else {
          // a closing quote ends a cell
          const after = piece[i + 1];
          if (after !== undefined && after !== COMMA && after !== LF && after !== CR) return this.#dirtyWholeFile();
          inQuotes = false;
        }
      } else if (b === LF) {
        if (inQuotes) {
          this.#markDirty(record);
        } else {
          if (content) this.#lastContent = record;
          record++;
          content = false;
        }
      } else if (b === SPACE) {
        // a piece ends at a line feed, so only the file's last byte has no next one
        const before = i > 0 ? piece[i - 1]! : this.#lastByte;
        if (isBoundary(before) || i + 1 === n || isBoundary(piece[i + 1]!)) this.#markDirty(record);
      } else if (b === CR) {
        // only as the first half of CRLF, which DuckDB reads as the line's end
        if (piece[i + 1] !== LF) this.#markDirty(record);
      } else if (b === 0x09 || b === 0x0c) {
        this.#markDirty(record);
      } else {
        // \v and the other control characters are content to DuckDB's emptiness test
        content = true;
        if (b === 0x0b) this.#markDirty(record);
      }
      if (this.#wholeFile) return;
    }
    this.#inQuotes = inQuotes;
    this.#content = content;
    this.#record = record;
    this.#lastByte = piece[n - 1]!;
  }

  /** After the last piece. */
  finish(): CellCheck {
    if (this.#inQuotes) this.#wholeFile = true;
    if (this.#content) this.#lastContent = this.#record;
    return this.#wholeFile
      ? { wholeFile: true, dirtyRecords: [], lastContentRecord: this.#lastContent }
      : { wholeFile: false, dirtyRecords: [...this.#dirty], lastContentRecord: this.#lastContent };
  }

  #markDirty(record: number): void {
    if (this.#dirty[this.#dirty.length - 1] === record) return;
    this.#dirty.push(record);
    if (this.#dirty.length > MAX_DIRTY_RECORDS) this.#wholeFile = true;
  }

  #dirtyWholeFile(): void {
    this.#wholeFile = true;
  }
}

/**
 * The multi-byte character at `i` is one clean_text acts on: U+0085, U+00A0, U+1680,
 * U+2000–200B, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF (white space), U+FE10, U+FE50,
 * U+FF02, U+FF0C, U+1F101–1F10A (protected characters).
 */
function isDirtySequence(piece: Uint8Array, i: number): boolean {
  const b = piece[i]!;
  const b1 = piece[i + 1]!;
  const b2 = piece[i + 2]!;
  switch (b) {
    case 0xc2:
      return b1 === 0x85 || b1 === 0xa0;
    case 0xe1:
      return b1 === 0x9a && b2 === 0x80;
    case 0xe2:
      return (b1 === 0x80 && (b2 <= 0x8b || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf)) || (b1 === 0x81 && b2 === 0x9f);
    case 0xe3:
      return b1 === 0x80 && b2 === 0x80;
    case 0xef:
      return (b1 === 0xbb && b2 === 0xbf) || ((b1 === 0xb8 || b1 === 0xb9) && b2 === 0x90) || (b1 === 0xbc && (b2 === 0x82 || b2 === 0x8c));
    case 0xf0:
      return b1 === 0x9f && b2 === 0x84 && piece[i + 3]! >= 0x81 && piece[i + 3]! <= 0x8a;
    default:
      return false;
  }
}
