// A CSV export written in large pieces: rows are joined into a string buffer and encoded once
// per piece (GBK with iconv-lite, or UTF-8 with or without a BOM), so encoding costs nothing
// per row and memory stays flat however large the file.
import { open, type FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { Random } from './random.ts';
import type { Encoding } from './scales.ts';

const PIECE_CHARS = 2 * 1024 * 1024;
const NEEDS_QUOTES = /[",\r\n]/;

export interface CsvOptions {
  encoding: Encoding;
  quoting: 'minimal' | 'some' | 'all';
  crlf: boolean;
  /** Decides which fields get optional quotes when quoting is `some`. */
  random: Random;
}

export class CsvFile {
  private parts: string[] = [];
  private chars = 0;
  private bytes = 0;
  private readonly newline: string;

  private constructor(
    private readonly handle: FileHandle,
    private readonly options: CsvOptions,
  ) {
    this.newline = options.crlf ? '\r\n' : '\n';
  }

  static async create(file: string, options: CsvOptions): Promise<CsvFile> {
    const csv = new CsvFile(await open(file, 'w'), options);
    if (options.encoding === 'utf-8-bom') await csv.writeBytes(Buffer.from([0xef, 0xbb, 0xbf]));
    return csv;
  }

  /** Adds one record; call `flushIfFull` now and then (each row is fine). */
  writeRow(cells: readonly (string | null)[]): void {
    let line = '';
    for (let i = 0; i < cells.length; i++) {
      if (i > 0) line += ',';
      const cell = cells[i];
      if (cell === null || cell === undefined) {
        if (this.options.quoting === 'all') line += '""';
        continue;
      }
      const quote =
        NEEDS_QUOTES.test(cell) || this.options.quoting === 'all' || (this.options.quoting === 'some' && this.options.random.chance(0.15));
      line += quote ? `"${cell.replace(/"/g, '""')}"` : cell;
    }
    line += this.newline;
    this.parts.push(line);
    this.chars += line.length;
  }

  /** Writes the buffered piece when it is large; a resolved promise otherwise. */
  flushIfFull(): Promise<void> | undefined {
    return this.chars >= PIECE_CHARS ? this.flush() : undefined;
  }

  async close(): Promise<number> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
    return this.bytes;
  }

  private async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.chars = 0;
    await this.writeBytes(this.options.encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8'));
  }

  private async writeBytes(bytes: Buffer): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
    this.bytes += bytes.length;
  }
}
