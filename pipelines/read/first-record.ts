// The header of a CSV file: its first record, read in JavaScript (RFC 4180: `,` separates,
// `"` quotes, `""` is a quote inside quotes, a record ends at a line break outside quotes).
// Only this one record is parsed here; every data row is read by DuckDB.
import { open } from 'node:fs/promises';
import { FileRejection, fileMessages } from '../contract/file-rejections.ts';

const MAX_HEADER_BYTES = 1024 * 1024;
/**
 * Bytes read first: a header is a few hundred bytes, and decoding a whole megabyte of text for
 * it cost more than reading it (0.4 s CPU for a province refresh's 36 files).
 */
const FIRST_READ_BYTES = 64 * 1024;

/** The cells of the first record of a UTF-8 CSV file (a BOM is skipped). */
export async function readFirstRecord(file: string): Promise<string[]> {
  // The record found in a shorter head is the one a longer head gives: parsing stops at it.
  const head = await readHead(file, FIRST_READ_BYTES);
  const first = firstRecordOf(head);
  if (first.complete || head.length < FIRST_READ_BYTES) return first.cells;
  const bytes = await readHead(file, MAX_HEADER_BYTES);
  const record = firstRecordOf(bytes);
  if (!record.complete && bytes.length === MAX_HEADER_BYTES) {
    throw new FileRejection('unreadable_file', fileMessages.unreadableCsv('表头超过 1 MB'));
  }
  return record.cells;
}

async function readHead(file: string, length: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function firstRecordOf(bytes: Uint8Array): { cells: string[]; complete: boolean } {
  // Cut at the last line feed so a multi-byte character is never split (unless the header is huge).
  const lastLineFeed = bytes.lastIndexOf(0x0a);
  const text = new TextDecoder('utf-8').decode(lastLineFeed === -1 ? bytes : bytes.subarray(0, lastLineFeed + 1));
  return parseFirstRecord(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

export function parseFirstRecord(text: string): { cells: string[]; complete: boolean } {
  const cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      inQuotes = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      cells.push(cell);
      return { cells, complete: true };
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return { cells, complete: false };
}
