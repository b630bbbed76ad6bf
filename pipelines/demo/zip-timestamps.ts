// exceljs (through archiver) stamps every zip entry with the time of writing, so two runs with
// the same seed would differ in those bytes. This sets every entry's DOS date and time, in the
// local headers and the central directory, to one given date: same seed, same bytes.

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/** DOS date/time words for a calendar date at midnight. */
function dosDateTime(year: number, month: number, day: number): { date: number; time: number } {
  return { date: ((year - 1980) << 9) | (month << 5) | day, time: 0 };
}

/** Rewrites the timestamps in place; throws on a buffer that is not a plain (non-zip64) zip. */
export function setZipTimestamps(zip: Buffer, year: number, month: number, day: number): void {
  const { date, time } = dosDateTime(year, month, day);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end of central directory');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error('broken zip central directory');
    zip.writeUInt16LE(time, at + 12);
    zip.writeUInt16LE(date, at + 14);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== LOCAL_SIGNATURE) throw new Error('broken zip local header');
    zip.writeUInt16LE(time, local + 10);
    zip.writeUInt16LE(date, local + 12);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
}
