// Workbooks built to hurt a reader, written part by part with a minimal zip writer (so that the
// sizes a part declares can be chosen): a zip bomb whose shared strings inflate ~1000:1, a
// workbook of a million shared strings, and a workbook whose zip records lie about a size.
import { writeFileSync } from 'node:fs';
import { crc32, deflateRawSync, constants as zlibConstants } from 'node:zlib';

interface Part {
  name: string;
  /** The deflated bytes. */
  deflated: Buffer;
  /** Inflated size and CRC-32 as the records state them. */
  size: number;
  crc: number;
}

function part(name: string, data: Buffer | string): Part {
  const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8');
  return { name, deflated: deflateRawSync(bytes), size: bytes.length, crc: crc32(bytes) };
}

/** A zip (deflate, no data descriptors) of the parts, in their order. */
export function writeZip(file: string, parts: readonly Part[]): void {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.crc, 14);
    local.writeUInt32LE(p.deflated.length, 18);
    local.writeUInt32LE(p.size, 22);
    local.writeUInt16LE(name.length, 26);
    chunks.push(local, name, p.deflated);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(p.crc, 16);
    entry.writeUInt32LE(p.deflated.length, 20);
    entry.writeUInt32LE(p.size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + p.deflated.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...chunks, directory, end]));
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;

const CASE_HEADERS = ['案件编号', '司法所编码', '业务类型', '受理日期', '办结日期', '状态', '结果', '涉及金额（元）', '当事人数'];

/** A one-row case sheet whose cells are shared strings 0..8 (the headers). */
function caseSheet(): string {
  const cols = 'ABCDEFGHI';
  const header = CASE_HEADERS.map((_, i) => `<c r="${cols[i]}1" t="s"><v>${i}</v></c>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${header}</row></sheetData></worksheet>`;
}

const SST_OPEN = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';

function workbookParts(sharedStrings: Part): Part[] {
  return [
    part('[Content_Types].xml', CONTENT_TYPES),
    part('_rels/.rels', ROOT_RELS),
    part('xl/workbook.xml', WORKBOOK),
    part('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    sharedStrings,
    part('xl/worksheets/sheet1.xml', caseSheet()),
  ];
}

/**
 * A zip bomb: shared strings of `inflatedBytes` (one enormous string after the headers) that
 * deflate ~1000:1. The repeated block is deflated once, after a full flush (which resets the
 * compressor), so its compressed bytes can be repeated: building it costs no compression time.
 */
export function writeZipBomb(file: string, inflatedBytes: number): { bytes: number } {
  const head = `${SST_OPEN}${CASE_HEADERS.map((h) => `<si><t>${h}</t></si>`).join('')}<si><t>`;
  const tail = '</t></si></sst>';
  const block = Buffer.alloc(1024 * 1024, 'A');
  const count = Math.max(1, Math.floor((inflatedBytes - Buffer.byteLength(head) - tail.length) / block.length));
  const pieces = deflatePieces([Buffer.from(head), block, Buffer.from(tail)]);
  const [h, b, t] = pieces as [Buffer, Buffer, Buffer];
  let crc = crc32(Buffer.from(head));
  for (let i = 0; i < count; i++) crc = crc32(block, crc);
  crc = crc32(Buffer.from(tail), crc);
  const deflated = Buffer.concat([h, ...Array.from({ length: count }, () => b), t]);
  const sharedStrings: Part = { name: 'xl/sharedStrings.xml', deflated, size: Buffer.byteLength(head) + count * block.length + tail.length, crc };
  writeZip(file, workbookParts(sharedStrings));
  return { bytes: deflated.length };
}

/**
 * Deflates pieces each on its own, all but the last ended by a full flush instead of a final
 * block: each is byte-aligned and refers to nothing before it, so they may be concatenated.
 */
function deflatePieces(pieces: Buffer[]): Buffer[] {
  return pieces.map((piece, i) => deflateRawSync(piece, i < pieces.length - 1 ? { level: 9, finishFlush: zlibConstants.Z_FULL_FLUSH } : { level: 9 }));
}

/** A case workbook whose shared strings table holds `count` distinct strings (the headers first), padded to `length` characters. */
export function writeManySharedStrings(file: string, count: number, length = 0): void {
  const items: string[] = CASE_HEADERS.map((h) => `<si><t>${h}</t></si>`);
  for (let i = items.length; i < count; i++) items.push(`<si><t>${`S${i}`.padEnd(length, '.')}</t></si>`);
  writeZip(file, workbookParts(part('xl/sharedStrings.xml', `${SST_OPEN}${items.join('')}</sst>`)));
}

/** A case workbook whose shared strings inflate to far more than both zip records state. */
export function writeLyingSizes(file: string, realBytes: number, statedBytes: number): void {
  const head = `${SST_OPEN}${CASE_HEADERS.map((h) => `<si><t>${h}</t></si>`).join('')}<si><t>`;
  const real = part('xl/sharedStrings.xml', `${head}${'B'.repeat(realBytes)}</t></si></sst>`);
  writeZip(file, workbookParts({ ...real, size: statedBytes }));
}
