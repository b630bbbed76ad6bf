// Byte-level conversion of CSV text to UTF-8 NFKC, piece by piece. A piece always ends at a
// line feed (or at the end of the file), and a line feed is never part of a multi-byte
// character in UTF-8 or GB18030, so each piece converts on its own. The common characters go
// through lookup tables; anything unusual (four-byte GB18030, marks, jamo, invalid bytes) sends
// the piece down the plain string path, which has the exact semantics and the exact errors.
import { isUtf8 } from 'node:buffer';
import { CONTEXTUAL, IDENTITY, nfkcCsvText, nfkcTable, type NfkcTable } from './nfkc.ts';

export type TextEncodingName = 'utf-8' | 'gb18030';

/** The bytes are not valid in the encoding they were read as. */
export class InvalidEncodingError extends Error {
  constructor(readonly encoding: TextEncodingName) {
    super(`bytes are not valid ${encoding}`);
  }
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * An output buffer reused from piece to piece: allocating (and zero-filling) a fresh one per
 * piece costs more than the conversion. What a conversion returns is a view into it, valid
 * until the next conversion with the same scratch.
 */
export class Scratch {
  private buffer = new Uint8Array(0);

  /** A buffer of at least `size` bytes. */
  get(size: number): Uint8Array {
    if (this.buffer.length < size) this.buffer = new Uint8Array(Math.max(size, this.buffer.length * 2));
    return this.buffer;
  }

  /** A buffer of at least `size` bytes holding the first `used` bytes of the current one. */
  grow(size: number, used: number): Uint8Array {
    if (this.buffer.length >= size) return this.buffer;
    const grown = new Uint8Array(Math.max(size, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, used));
    this.buffer = grown;
    return grown;
  }
}

// ---------------------------------------------------------------------------------------------
// UTF-8

/** True when the piece is valid UTF-8 whose NFKC form (protected characters aside) is itself. */
export function isNfkcCleanUtf8(piece: Uint8Array): boolean {
  if (!isUtf8(piece)) return false;
  const { kind } = nfkcTable();
  const n = piece.length;
  for (let i = 0; i < n; ) {
    const b = piece[i]!;
    if (b < 0x80) {
      i++;
    } else if (b < 0xe0) {
      if (kind[((b & 0x1f) << 6) | (piece[i + 1]! & 0x3f)] !== IDENTITY) return false;
      i += 2;
    } else if (b < 0xf0) {
      if (kind[((b & 0x0f) << 12) | ((piece[i + 1]! & 0x3f) << 6) | (piece[i + 2]! & 0x3f)] !== IDENTITY) return false;
      i += 3;
    } else {
      // Beyond the BMP (rare: a few name characters): the rewrite path decides exactly.
      return false;
    }
  }
  return true;
}

/** UTF-8 → UTF-8 NFKC. Throws InvalidEncodingError on bytes that are not UTF-8. */
export function convertUtf8Piece(piece: Uint8Array, scratch = new Scratch()): Uint8Array {
  if (!isUtf8(piece)) throw new InvalidEncodingError('utf-8');
  const table = nfkcTable();
  const { kind } = table;
  const source = Buffer.from(piece.buffer, piece.byteOffset, piece.length);
  const n = piece.length;
  let out: Uint8Array | undefined;
  let o = 0;
  let runStart = 0;
  for (let i = 0; i < n; ) {
    const b = piece[i]!;
    let cp: number;
    let width: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b < 0xe0) {
      cp = ((b & 0x1f) << 6) | (piece[i + 1]! & 0x3f);
      width = 2;
    } else if (b < 0xf0) {
      cp = ((b & 0x0f) << 12) | ((piece[i + 1]! & 0x3f) << 6) | (piece[i + 2]! & 0x3f);
      width = 3;
    } else {
      return stringPath(piece, 'utf-8');
    }
    const k = kind[cp]!;
    if (k === IDENTITY) {
      i += width;
      continue;
    }
    if (k === CONTEXTUAL) return stringPath(piece, 'utf-8');
    // Mapped: copy the unchanged run before it, then its NFKC bytes.
    const mappedLength = table.length[cp]!;
    out = out === undefined ? scratch.get(n + mappedLength + 64) : scratch.grow(o + (i - runStart) + mappedLength + (n - i), o);
    o += source.copy(out, o, runStart, i);
    o = copyMapped(table, cp, out, o);
    i += width;
    runStart = i;
  }
  if (out === undefined) return piece;
  out = scratch.grow(o + (n - runStart), o);
  o += source.copy(out, o, runStart, n);
  return out.subarray(0, o);
}

// ---------------------------------------------------------------------------------------------
// GB18030 / GBK

interface GbkTable {
  /** Per two-byte code ((lead − 0x81) × 190 + trail index): where its NFKC UTF-8 bytes are. */
  offset: Uint32Array;
  /** Their length; 0 when the code needs the string path (invalid, or a contextual character). */
  length: Uint8Array;
  pool: Uint8Array;
}

let gbkTable: GbkTable | undefined;

function twoByteIndex(lead: number, trail: number): number {
  return (lead - 0x81) * 190 + (trail - 0x40 - (trail > 0x7f ? 1 : 0));
}

/** Every two-byte GBK code decoded once by the platform's GB18030 decoder, then NFKC'd. */
function gbk(): GbkTable {
  if (gbkTable) return gbkTable;
  const nfkc = nfkcTable();
  const size = 126 * 190;
  const offset = new Uint32Array(size);
  const length = new Uint8Array(size);
  const chunks: Buffer[] = [];
  let poolSize = 0;
  const decoder = new TextDecoder('gb18030', { fatal: true });
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      let char: string;
      try {
        char = decoder.decode(pair);
      } catch {
        continue;
      }
      const cp = char.codePointAt(0)!;
      if (char.length !== 1 || nfkc.kind[cp] === CONTEXTUAL) continue;
      const bytes = Buffer.from(nfkc.kind[cp] === IDENTITY ? char : nfkcCsvText(char), 'utf8');
      const index = twoByteIndex(lead, trail);
      offset[index] = poolSize;
      length[index] = bytes.length;
      chunks.push(bytes);
      poolSize += bytes.length;
    }
  }
  gbkTable = { offset, length, pool: new Uint8Array(Buffer.concat(chunks)) };
  return gbkTable;
}

/** GB18030 → UTF-8 NFKC. Throws InvalidEncodingError on bytes that are not GB18030. */
export function convertGb18030Piece(piece: Uint8Array, scratch = new Scratch()): Uint8Array {
  const { offset, length, pool } = gbk();
  const n = piece.length;
  // Invariant: o + 2 × (bytes left) ≤ capacity. ASCII and two-byte codes of up to three UTF-8
  // bytes keep it; a longer NFKC expansion (rare) grows the buffer first.
  let out = scratch.get(2 * n + 64);
  let o = 0;
  for (let i = 0; i < n; ) {
    const b = piece[i]!;
    if (b < 0x80) {
      out[o++] = b;
      i++;
      continue;
    }
    const trail = i + 1 < n ? piece[i + 1]! : 0;
    if (b === 0x80 || b === 0xff || trail < 0x40 || trail === 0x7f || trail === 0xff) return stringPath(piece, 'gb18030');
    const index = twoByteIndex(b, trail);
    const len = length[index]!;
    if (len === 0) return stringPath(piece, 'gb18030');
    if (len > 3) out = scratch.grow(o + len + 2 * (n - i), o);
    // Byte by byte: most entries are 3 bytes (CJK) or 1 (full-width ASCII); no views allocated.
    const start = offset[index]!;
    out[o] = pool[start]!;
    if (len === 3) {
      out[o + 1] = pool[start + 1]!;
      out[o + 2] = pool[start + 2]!;
    } else {
      for (let j = 1; j < len; j++) out[o + j] = pool[start + j]!;
    }
    o += len;
    i += 2;
  }
  return out.subarray(0, o);
}

// ---------------------------------------------------------------------------------------------

/** The exact path: decode with the platform decoder (fatal), NFKC the string, encode. */
function stringPath(piece: Uint8Array, encoding: TextEncodingName): Uint8Array {
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(piece);
  } catch {
    throw new InvalidEncodingError(encoding);
  }
  return Buffer.from(nfkcCsvText(text), 'utf8');
}

function copyMapped(table: NfkcTable, cp: number, out: Uint8Array, o: number): number {
  const start = table.offset[cp]!;
  const len = table.length[cp]!;
  for (let j = 0; j < len; j++) out[o + j] = table.pool[start + j]!;
  return o + len;
}

// ---------------------------------------------------------------------------------------------
// Blank lines

/** Quote state carried from one piece to the next. */
export interface LineState {
  /** Inside a quoted field (an odd number of `"` seen so far). */
  inQuotes: boolean;
}

/**
 * DuckDB's CSV reader skips empty lines, but an empty line is a record of the file and counts
 * for the row numbers of exports.md (a clerk sees it as a row in Excel). Each empty line outside
 * quotes gets a lone `,`: a record of empty cells, which is counted and then not landed.
 * Returns the piece itself when it has no empty line; updates `state` either way.
 */
export function markBlankLines(piece: Uint8Array, state: LineState): Uint8Array {
  const buffer = Buffer.from(piece.buffer, piece.byteOffset, piece.length);
  const startsBlank = buffer[0] === LF || (buffer[0] === CR && buffer[1] === LF);
  if (!startsBlank && buffer.indexOf('\n\n') === -1 && buffer.indexOf('\n\r\n') === -1) {
    state.inQuotes = quoteParity(buffer, state.inQuotes);
    return piece;
  }
  const parts: Uint8Array[] = [];
  const comma = Buffer.from(',');
  let inQuotes = state.inQuotes;
  let lineStart = 0;
  let copied = 0;
  const n = buffer.length;
  for (let i = 0; i <= n; i++) {
    if (i === lineStart && !inQuotes && i < n && (buffer[i] === LF || (buffer[i] === CR && buffer[i + 1] === LF))) {
      parts.push(buffer.subarray(copied, i), comma);
      copied = i;
    }
    if (i === n) break;
    const b = buffer[i];
    if (b === QUOTE) inQuotes = !inQuotes;
    else if (b === LF) lineStart = i + 1;
  }
  parts.push(buffer.subarray(copied, n));
  state.inQuotes = inQuotes;
  return Buffer.concat(parts);
}

/** True when the piece leaves the file inside a quoted field, given where it started. */
function quoteParity(buffer: Buffer, inQuotes: boolean): boolean {
  let odd = inQuotes;
  for (let i = buffer.indexOf(QUOTE); i !== -1; i = buffer.indexOf(QUOTE, i + 1)) odd = !odd;
  return odd;
}

/** True when the piece holds an empty line outside quotes (the file is then not used as is). */
export function hasBlankLine(piece: Uint8Array, state: LineState): boolean {
  return markBlankLines(piece, state).length !== piece.length;
}
