// Whether every cell of a CSV file is already what clean_text (sql/macros/text.sql) would make
// of it, found while the file's bytes pass through JavaScript anyway (encoding.ts). Staging
// then skips clean_text's per-cell regex for the file's rows (clean_field): a quarter of the
// validation at national scale, where exports are clean. Tested on the bytes DuckDB reads (the
// export itself, or its UTF-8 NFKC copy).
//
// clean_text trims white space (ASCII, \v, the Unicode spaces, U+0085, U+200B, U+FEFF) at both
// ends of a cell and translates ︐﹐＂， and 🄁…🄊. A file is clean when none of those can apply:
// - no white space byte next to a cell boundary (`,`, `"`, a line end, the file's start or end);
//   a space inside a cell is fine, one next to a `,` or `"` inside a quoted cell is counted too
//   (the file only goes the exact way);
// - no tab, \v or \f anywhere, no CR but in CRLF, no line feed inside quotes;
// - none of the non-ASCII white space or protected characters anywhere.
// The test errs one way only: a clean file may be called dirty, never the reverse.

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;

function isBoundary(b: number): boolean {
  return b === COMMA || b === QUOTE || b === LF || b === CR;
}

/** Scans a file piece by piece (pieces end at a line feed, so no character is split). */
export class CleanCellScanner {
  #dirty = false;
  #inQuotes = false;
  /** The last byte before the next piece: a line feed stands for the start of the file. */
  #lastByte = LF;

  get clean(): boolean {
    return !this.#dirty;
  }

  scan(piece: Uint8Array): void {
    if (this.#dirty || piece.length === 0) return;
    let inQuotes = this.#inQuotes;
    const n = piece.length;
    for (let i = 0; i < n; i++) {
      const b = piece[i]!;
      // letters, digits, `,` and the rest of printable ASCII: nothing to look at
      if (b > QUOTE && b < 0x80) continue;
      if (b >= 0x80) {
        // CJK ideographs (lead bytes E4–E9), most of the non-ASCII text, are skipped whole
        if (b < 0xe4 || b > 0xe9) {
          if (isDirtySequence(piece, i)) return this.#markDirty();
          i += b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
        } else {
          i += 2;
        }
      } else if (b === QUOTE) {
        inQuotes = !inQuotes;
      } else if (b === SPACE) {
        // a piece ends at a line feed, so only the file's last byte has no next one
        const before = i > 0 ? piece[i - 1]! : this.#lastByte;
        if (isBoundary(before) || i + 1 === n || isBoundary(piece[i + 1]!)) return this.#markDirty();
      } else if (b === LF) {
        if (inQuotes) return this.#markDirty();
      } else if (b === CR) {
        // only as the first half of CRLF, which DuckDB reads as the line's end
        if (piece[i + 1] !== LF) return this.#markDirty();
      } else if (b === 0x09 || b === 0x0b || b === 0x0c) {
        return this.#markDirty();
      }
    }
    this.#inQuotes = inQuotes;
    this.#lastByte = piece[n - 1]!;
  }

  /** After the last piece: an open quote at the very end makes the file dirty. */
  finish(): boolean {
    if (this.#inQuotes) this.#markDirty();
    return this.clean;
  }

  #markDirty(): void {
    this.#dirty = true;
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
