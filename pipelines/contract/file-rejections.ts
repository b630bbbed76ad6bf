// Why a whole file (or a whole office snapshot) is not loaded, as a code for programs and a
// Chinese sentence a county clerk can act on. Row-level reasons are the SQL's (exports.md).

export type FileReasonCode =
  /** The name matches no export of the contract. */
  | 'unknown_file'
  /** Neither UTF-8 nor GB18030 (or a UTF-8 BOM followed by bytes that are not UTF-8). */
  | 'bad_encoding'
  /** Not a readable CSV or workbook (corrupt zip, broken quoting, a line too long). */
  | 'unreadable_file'
  /** The office workbook lacks its 司法所 or 人员 sheet. */
  | 'missing_sheet'
  /** A required column is not in the header. */
  | 'missing_column'
  /** One contract column is named by two headers. */
  | 'duplicate_column'
  /** A CSV snapshot without its other half (offices_<date>.csv / staff_<date>.csv). */
  | 'incomplete_snapshot'
  /** The other file of the snapshot was rejected, so this one is not loaded either. */
  | 'snapshot_rejected'
  /** Two files claim the same half of one date's CSV snapshot. */
  | 'ambiguous_snapshot';

export interface FileRejectionInfo {
  reasonCode: FileReasonCode;
  message: string;
  /** The sheet the problem is in, for workbooks. */
  sheet?: string;
}

/** Thrown by readers; the refresh turns it into a rejected file and goes on. */
export class FileRejection extends Error implements FileRejectionInfo {
  constructor(
    readonly reasonCode: FileReasonCode,
    message: string,
    readonly sheet?: string,
  ) {
    super(message);
    this.name = 'FileRejection';
  }
}

const where = (sheet: string | undefined) => (sheet ? `工作表“${sheet}”` : '文件');

export const fileMessages = {
  unknownFile: (name: string) =>
    `文件名“${name}”不符合导出约定（offices_/staff_/cases_/training_ 加 8 位日期，如 cases_20250701.csv 或 offices_20250630.xlsx），未加载；请改名后重新放入收件箱`,
  utf16: () => '文件是 UTF-16 编码，无法读取；请另存为 UTF-8 或 GBK 编码的 CSV 后重新报送',
  badEncoding: () => '文件既不是有效的 UTF-8 编码，也不是有效的 GBK/GB18030 编码，无法读取；请另存为 UTF-8 或 GBK 编码的 CSV 后重新报送',
  bomNotUtf8: () => '文件开头标明是 UTF-8 编码，但内容不是有效的 UTF-8，无法读取；请重新导出',
  unreadableCsv: (detail: string) => `CSV 文件格式有误，无法读取（${detail}）；请检查引号是否成对后重新导出`,
  cannotOpen: (code: string) => `无法打开文件（${code}），未加载；请检查文件是否仍在收件箱、是否有读取权限`,
  lineTooLong: (limitMb: number) => `CSV 文件中有一行超过 ${limitMb} MB，无法读取；请检查文件是否损坏`,
  unreadableWorkbook: (detail: string) => `Excel 工作簿已损坏或不是 .xlsx 格式，无法读取（${detail}）；请重新导出`,
  missingSheet: (names: string[]) => `工作簿缺少工作表${names.map((n) => `“${n}”`).join('、')}，整个快照未加载；请按约定命名工作表后重新报送`,
  emptySheet: (sheet: string | undefined) => `${where(sheet)}是空的，找不到表头`,
  missingColumns: (sheet: string | undefined, headers: string[], row: number) =>
    `${where(sheet)}第 ${row} 行的表头缺少必填列${headers.map((h) => `“${h}”`).join('、')}，整个文件未加载；请补上这些列后重新报送`,
  duplicateColumn: (sheet: string | undefined, column: string, headers: string[]) =>
    `${where(sheet)}的表头中${headers.map((h) => `“${h}”`).join('与')}都对应“${column}”列，无法判断使用哪一列，整个文件未加载；请删去多余的列后重新报送`,
  incompleteSnapshot: (date: string, missing: string) =>
    `${date} 的司法所快照缺少 ${missing}，快照未加载；文件留在收件箱，待两个文件到齐后一起加载`,
  snapshotRejected: (other: string) => `同一快照的 ${other} 未能读取，整个快照未加载；文件留在收件箱，待 ${other} 修正后一起加载`,
  ambiguousSnapshot: (date: string, names: string[]) =>
    `${date} 有多个同类快照文件（${names.join('、')}），无法配对，快照未加载；请只保留一个后重新放入收件箱`,
  duplicateInRun: (name: string) => `与本次的“${name}”内容完全相同，只加载一次`,
  alreadyLoaded: () => '此文件（内容相同）此前已加载，本次跳过',
} as const;
