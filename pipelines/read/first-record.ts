// The header of a CSV file: its first record, read in JavaScript (RFC 4180: `,` separates,
// `"` quotes, `""` is a quote inside quotes, a record ends at a line break outside quotes).
// Only this one record is parsed here; every data row is read by DuckDB.
import { open } from 'node:fs/promises';
import { FileRejection, fileMessages } from '../contract/file-rejections.ts';

const MAX_HEADER_BYTES = 1024 * 1024;

/** The cells of the first record of a UTF-8 CSV file (a BOM is skipped). */
export async function readFirstRecord(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  let bytes: Uint8Array;
  try {
    const buffer = new Uint8Array(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  // Cut at the last line feed so a multi-byte character is never split (unless the header is huge).
  const lastLineFeed = bytes.lastIndexOf(0x0a);
  const text = new TextDecoder('utf-8').decode(lastLineFeed === -1 ? bytes : bytes.subarray(0, lastLineFeed + 1));
  const record = parseFirstRecord(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!record.complete && bytes.length === MAX_HEADER_BYTES) {
    throw new FileRejection('unreadable_file', fileMessages.unreadableCsv('表头超过 1 MB'));
  }
  return record.cells;
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
