// Makes a CSV export readable by DuckDB's UTF-8 reader without losing a character: detects the
// encoding (UTF-8 BOM; else strict UTF-8 over the whole file; else GB18030) and, unless the file
// is already UTF-8 in NFKC form with no empty line, writes a UTF-8 NFKC copy under the data
// dir's tmp folder, streamed piece by piece (the copy is deleted when the caller is done).
import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { FileRejection, fileMessages } from '../contract/file-rejections.ts';
import {
  convertGb18030Piece,
  convertUtf8Piece,
  hasBlankLine,
  InvalidEncodingError,
  isNfkcCleanUtf8,
  markBlankLines,
  Scratch,
  type LineState,
} from './transcode.ts';
import { CleanCellScanner, type CellCheck } from './clean-cells.ts';

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030';

export interface PreparedCsv {
  /** The file DuckDB reads: the export itself, or its UTF-8 NFKC copy. */
  path: string;
  encoding: CsvEncoding;
  /** A copy was written. */
  transcoded: boolean;
  /** The records with a cell clean_text would change (clean-cells.ts): staging skips it for the others. */
  cells: CellCheck;
  /** Deletes the copy, if any. */
  cleanup(): Promise<void>;
}

export interface PrepareOptions {
  /** Folder for the UTF-8 copy (created when missing). */
  tmpDir: string;
  /** Bytes per read; pieces are cut at the last line feed of each read. */
  chunkBytes?: number;
  /** Called after each piece with the bytes done so far, for progress displays. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** A line longer than this is not CSV we can read. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

export async function prepareCsv(file: string, options: PrepareOptions): Promise<PreparedCsv> {
  const chunkBytes = options.chunkBytes ?? 4 * 1024 * 1024;
  const head = await readHead(file, 4);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new FileRejection('bad_encoding', fileMessages.utf16());
  }
  const bom = UTF8_BOM.every((b, i) => head[i] === b);
  const skip = bom ? 3 : 0;

  // Pass 1: is it UTF-8 (every byte), and is it usable as it is?
  let utf8 = true;
  let asIs = true;
  const lineState: LineState = { inQuotes: false };
  // the records to clean, found in the file itself while it may still be read as it is (a copy
  // is scanned as it is written instead)
  const asIsCells = new CleanCellScanner();
  for await (const piece of linePieces(file, { chunkBytes, skip })) {
    if (!isUtf8(piece)) {
      utf8 = false;
      break;
    }
    if (asIs) asIs = isNfkcCleanUtf8(piece) && !hasBlankLine(piece, lineState);
    if (asIs) asIsCells.scan(piece);
  }
  if (bom && !utf8) throw new FileRejection('bad_encoding', fileMessages.bomNotUtf8());
  const encoding: CsvEncoding = bom ? 'utf-8-bom' : utf8 ? 'utf-8' : 'gb18030';
  if (utf8 && asIs) return { path: file, encoding, transcoded: false, cells: asIsCells.finish(), cleanup: async () => {} };

  // Pass 2: write the UTF-8 NFKC copy.
  await mkdir(options.tmpDir, { recursive: true, mode: 0o700 });
  const copy = path.join(options.tmpDir, `csv-${randomUUID()}.csv`);
  const convert = utf8 ? convertUtf8Piece : convertGb18030Piece;
  const scratch = new Scratch();
  const out = await open(copy, 'wx', 0o600);
  const cleanup = async () => rm(copy, { force: true });
  const copyCells = new CleanCellScanner();
  try {
    const state: LineState = { inQuotes: false };
    for await (const piece of linePieces(file, { chunkBytes, skip, onPiece: (bytesDone, total) => options.onProgress?.(bytesDone, total) })) {
      const converted = markBlankLines(convert(piece, scratch), state);
      copyCells.scan(converted);
      await writeAll(out, converted);
    }
  } catch (error) {
    await out.close();
    await cleanup();
    if (error instanceof InvalidEncodingError) throw new FileRejection('bad_encoding', fileMessages.badEncoding());
    throw error;
  }
  await out.close();
  return { path: copy, encoding, transcoded: true, cells: copyCells.finish(), cleanup };
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}

async function readHead(file: string, length: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

interface PieceOptions {
  chunkBytes: number;
  /** Bytes to skip at the start (a BOM). */
  skip: number;
  onPiece?: (bytesDone: number, bytesTotal: number) => void;
}

/**
 * The file in pieces that each end with a line feed (the last one may not). A piece is a view
 * into a reused buffer: use it before asking for the next one.
 */
export async function* linePieces(file: string, options: PieceOptions): AsyncGenerator<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    let buffer = new Uint8Array(options.chunkBytes);
    let filled = 0;
    let position = options.skip;
    for (;;) {
      if (filled === buffer.length) {
        if (buffer.length >= MAX_LINE_BYTES) throw new FileRejection('unreadable_file', fileMessages.lineTooLong(MAX_LINE_BYTES / 1024 / 1024));
        const grown = new Uint8Array(buffer.length * 2);
        grown.set(buffer);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position);
      position += bytesRead;
      filled += bytesRead;
      if (bytesRead === 0) {
        if (filled > 0) yield buffer.subarray(0, filled);
        options.onPiece?.(position, size);
        return;
      }
      const lastLineFeed = buffer.subarray(0, filled).lastIndexOf(0x0a);
      if (lastLineFeed === -1) continue;
      yield buffer.subarray(0, lastLineFeed + 1);
      options.onPiece?.(position - (filled - lastLineFeed - 1), size);
      buffer.copyWithin(0, lastLineFeed + 1, filled);
      filled -= lastLineFeed + 1;
    }
  } finally {
    await handle.close();
  }
}
