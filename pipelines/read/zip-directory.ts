// The central directory of a zip file (an .xlsx is one), read from the end of the file without
// inflating anything: what each part claims to be, so that limits are checked before exceljs
// starts inflating (workbook-limits.ts). Bounded: only the end record (≤ 64 KiB + 22 bytes, plus
// the ZIP64 records) and a directory of at most `maxDirectoryBytes` are read. Written here rather
// than taken from a library: it is ~100 lines of APPNOTE 4.3.12–4.3.16, and the readers on npm
// either inflate (unzipper, jszip load everything) or bring a callback API we would wrap anyway.
import { open, type FileHandle } from 'node:fs/promises';

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** 0 stored, 8 deflate. */
  method: number;
  localHeaderOffset: number;
}

export class ZipFormatError extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const MAX_COMMENT = 0xffff;

export async function readZipDirectory(file: string, options: { maxDirectoryBytes: number; maxEntries: number }): Promise<ZipEntry[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < EOCD_BYTES) throw new ZipFormatError('文件太短，不是 zip 格式');
    const tailBytes = Math.min(size, EOCD_BYTES + MAX_COMMENT);
    const tail = await readAt(handle, size - tailBytes, tailBytes);
    let eocd = -1;
    for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ZipFormatError('找不到 zip 目录，文件不完整或不是 zip 格式');
    let count = tail.readUInt16LE(eocd + 10);
    let directorySize = tail.readUInt32LE(eocd + 12);
    let directoryOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      // ZIP64: the locator sits right before the end record and points at the ZIP64 end record.
      const locatorAt = size - tailBytes + eocd - 20;
      if (locatorAt < 0) throw new ZipFormatError('ZIP64 目录不完整');
      const locator = await readAt(handle, locatorAt, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw new ZipFormatError('ZIP64 目录不完整');
      const record = await readAt(handle, safeNumber(locator.readBigUInt64LE(8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new ZipFormatError('ZIP64 目录不完整');
      count = safeNumber(record.readBigUInt64LE(32));
      directorySize = safeNumber(record.readBigUInt64LE(40));
      directoryOffset = safeNumber(record.readBigUInt64LE(48));
    }
    if (count > options.maxEntries) throw new ZipLimitError('entries', count);
    if (directorySize > options.maxDirectoryBytes) throw new ZipLimitError('directoryBytes', directorySize);
    if (directoryOffset + directorySize > size) throw new ZipFormatError('zip 目录超出文件末尾，文件不完整');
    const directory = await readAt(handle, directoryOffset, directorySize);
    const entries = parseDirectory(directory, count);
    await checkLocalHeaders(handle, entries, size);
    return entries;
  } finally {
    await handle.close();
  }
}

/** A count or size over a reader's bound, before anything else is read. */
export class ZipLimitError extends Error {
  constructor(
    readonly limit: 'entries' | 'directoryBytes',
    readonly value: number,
  ) {
    super(`${limit} ${value}`);
  }
}

function parseDirectory(directory: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new ZipFormatError('zip 目录已损坏');
    const method = directory.readUInt16LE(at + 10);
    let compressedSize = directory.readUInt32LE(at + 20);
    let uncompressedSize = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > directory.length) throw new ZipFormatError('zip 目录已损坏');
    const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
    // ZIP64 extended information (header 0x0001): the 64-bit values, in this order, of the
    // fields whose 32-bit value is all ones.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = directory.readUInt16LE(extra);
      const length = directory.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let field = extra + 4;
        const next = () => {
          if (field + 8 > extra + 4 + length) throw new ZipFormatError('zip 目录已损坏');
          const value = safeNumber(directory.readBigUInt64LE(field));
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      extra += 4 + length;
    }
    entries.push({ name, compressedSize, uncompressedSize, method, localHeaderOffset });
    at = end;
  }
  return entries;
}

/**
 * Each part's local header must be where the directory says, and where it states sizes (no data
 * descriptor) they must be the directory's: a streaming reader (exceljs uses unzipper) trusts
 * the local headers, so a directory that lies about sizes must not pass the limits.
 */
async function checkLocalHeaders(handle: FileHandle, entries: readonly ZipEntry[], size: number): Promise<void> {
  for (const entry of entries) {
    if (entry.localHeaderOffset + 30 > size) throw new ZipFormatError('zip 目录已损坏');
    const header = await readAt(handle, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new ZipFormatError('zip 目录已损坏');
    const flags = header.readUInt16LE(6);
    const compressed = header.readUInt32LE(18);
    const uncompressed = header.readUInt32LE(22);
    const hasDescriptor = (flags & 0x08) !== 0;
    const statesSizes = !hasDescriptor && compressed !== 0xffffffff && uncompressed !== 0xffffffff;
    if (statesSizes && (compressed !== entry.compressedSize || uncompressed !== entry.uncompressedSize)) {
      throw new ZipFormatError(`zip 目录与“${entry.name.slice(0, 60)}”的本地记录大小不符`);
    }
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead < length) throw new ZipFormatError('文件不完整');
  return buffer;
}

function safeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('zip 目录中的数值超出范围');
  return Number(value);
}
