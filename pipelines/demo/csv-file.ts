// A CSV export written in large pieces: rows are joined into a string buffer and encoded once
// per piece (GBK with iconv-lite, or UTF-8 with or without a BOM), so encoding costs nothing
// per row and memory stays flat however large the file.
import { open, type FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { Random } from './random.ts';
import type { Encoding } from './scales.ts';

/** GBK: characters gathered before a piece is encoded and written. */
const PIECE_CHARS = 2 * 1024 * 1024;
/** UTF-8: bytes gathered (encoded line by line into one buffer) before a piece is written. */
const PIECE_BYTES = 4 * 1024 * 1024;
const NEEDS_QUOTES = /[",\r\n]/;

export interface CsvOptions {
  encoding: Encoding;
  quoting: 'minimal' | 'some' | 'all';
  crlf: boolean;
  /** Decides which fields get optional quotes when quoting is `some`. */
  random: Random;
}

export class CsvFile {
  /** GBK: lines kept as text until a piece is encoded at once. */
  private parts: string[] = [];
  private chars = 0;
  /** UTF-8: lines encoded into this buffer as they come. */
  private piece: Buffer | null;
  private used = 0;
  private bytes = 0;
  private readonly newline: string;

  private constructor(
    private readonly handle: FileHandle,
    private readonly options: CsvOptions,
  ) {
    this.newline = options.crlf ? '\r\n' : '\n';
    this.piece = options.encoding === 'gbk' ? null : Buffer.allocUnsafe(2 * PIECE_BYTES);
  }

  static async create(file: string, options: CsvOptions): Promise<CsvFile> {
    const csv = new CsvFile(await open(file, 'w'), options);
    if (options.encoding === 'utf-8-bom') await csv.writeBytes(Buffer.from([0xef, 0xbb, 0xbf]));
    return csv;
  }

  /** Adds one record; call `flushIfFull` now and then (each row is fine). */
  writeRow(cells: readonly (string | null)[]): void {
    const fields = new Array<string>(cells.length);
    const quoting = this.options.quoting;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i];
      if (cell === null || cell === undefined) {
        fields[i] = quoting === 'all' ? '""' : '';
        continue;
      }
      const quote = quoting === 'all' || NEEDS_QUOTES.test(cell) || (quoting === 'some' && this.options.random.chance(0.15));
      fields[i] = quote ? `"${cell.replace(/"/g, '""')}"` : cell;
    }
    const line = fields.join(',') + this.newline;
    if (this.piece) {
      // A UTF-16 code unit takes at most 3 bytes in UTF-8; grow rather than ever cut a line.
      if (this.used + line.length * 3 > this.piece.length) {
        const grown = Buffer.allocUnsafe(2 * (this.used + line.length * 3));
        this.piece.copy(grown, 0, 0, this.used);
        this.piece = grown;
      }
      this.used += this.piece.write(line, this.used, 'utf8');
    } else {
      this.parts.push(line);
      this.chars += line.length;
    }
  }

  /** Writes the buffered piece when it is large; undefined (nothing to wait for) otherwise. */
  flushIfFull(): Promise<void> | undefined {
    if (this.piece) return this.used >= PIECE_BYTES ? this.flush() : undefined;
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
    if (this.piece) {
      const used = this.used;
      this.used = 0;
      if (used > 0) await this.writeBytes(this.piece.subarray(0, used));
      return;
    }
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
