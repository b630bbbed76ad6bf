// Turns the files found into batches, the units the warehouse loads (exports.md): one office
// snapshot (its workbook, or the offices + staff CSV pair of one date), one case file, one
// training file. Snapshots go first, by date, then case and training files by date, so that
// each case file is checked against the snapshots it may name. A batch whose files were all
// loaded before is skipped; so is a second copy of the same bytes within one run.
import { classifyFileName, type ClassifiedName } from '../contract/exports.ts';
import { fileMessages, type FileReasonCode } from '../contract/file-rejections.ts';

export interface SourceFile {
  name: string;
  path: string;
  bytes: number;
  /** sha256 hex of the bytes. */
  fileId: string;
  /** `inbox`, or the URL it was pulled from. */
  source: string;
}

export interface ClassifiedFile extends SourceFile {
  classified: ClassifiedName;
}

export type BatchKind = 'snapshot' | 'cases' | 'training';

export interface Batch {
  kind: BatchKind;
  exportDate: string;
  /** One file, or the offices + staff CSV pair (offices first). */
  files: ClassifiedFile[];
}

export type SkipReason = 'already_loaded' | 'duplicate_file';

/** A file set aside before reading, with why; `keepInInbox` files wait there for a later run. */
export interface SetAside {
  file: SourceFile;
  classified?: ClassifiedName;
  status: 'skipped' | 'rejected' | 'unknown';
  reasonCode: SkipReason | FileReasonCode;
  message: string;
  keepInInbox: boolean;
}

export interface Plan {
  batches: Batch[];
  setAside: SetAside[];
}

export function planBatches(files: readonly SourceFile[], loadedFileIds: ReadonlySet<string>): Plan {
  const setAside: SetAside[] = [];
  const seen = new Map<string, SourceFile>();
  const classifiedFiles: ClassifiedFile[] = [];
  // Of two copies of the same bytes, the one named like an export is kept.
  const known = (f: SourceFile) => (classifyFileName(f.name) ? 0 : 1);
  for (const file of [...files].sort((a, b) => known(a) - known(b) || byName(a, b))) {
    const first = seen.get(file.fileId);
    if (first) {
      setAside.push({ file, status: 'skipped', reasonCode: 'duplicate_file', message: fileMessages.duplicateInRun(first.name), keepInInbox: false });
      continue;
    }
    seen.set(file.fileId, file);
    const classified = classifyFileName(file.name);
    if (!classified) {
      setAside.push({ file, status: 'unknown', reasonCode: 'unknown_file', message: fileMessages.unknownFile(file.name), keepInInbox: true });
      continue;
    }
    classifiedFiles.push({ ...file, classified });
  }

  const candidates: Batch[] = [];
  const pairs = new Map<string, { offices: ClassifiedFile[]; staff: ClassifiedFile[] }>();
  for (const file of classifiedFiles) {
    const { kind, exportDate } = file.classified;
    if (kind === 'office_workbook') candidates.push({ kind: 'snapshot', exportDate, files: [file] });
    else if (kind === 'cases' || kind === 'training') candidates.push({ kind, exportDate, files: [file] });
    else {
      const pair = pairs.get(exportDate) ?? { offices: [], staff: [] };
      (kind === 'offices_csv' ? pair.offices : pair.staff).push(file);
      pairs.set(exportDate, pair);
    }
  }
  for (const [exportDate, pair] of pairs) {
    const all = [...pair.offices, ...pair.staff];
    if (pair.offices.length > 1 || pair.staff.length > 1) {
      const names = all.map((f) => f.name);
      for (const file of all) {
        setAside.push({ file, classified: file.classified, status: 'rejected', reasonCode: 'ambiguous_snapshot', message: fileMessages.ambiguousSnapshot(exportDate, names), keepInInbox: true });
      }
    } else if (pair.offices.length === 0 || pair.staff.length === 0) {
      const compact = exportDate.replaceAll('-', '');
      const missing = pair.offices.length === 0 ? `staff_${compact}.csv 对应的 offices_${compact}.csv` : `offices_${compact}.csv 对应的 staff_${compact}.csv`;
      for (const file of all) {
        setAside.push({ file, classified: file.classified, status: 'rejected', reasonCode: 'incomplete_snapshot', message: fileMessages.incompleteSnapshot(exportDate, missing), keepInInbox: true });
      }
    } else {
      candidates.push({ kind: 'snapshot', exportDate, files: [pair.offices[0]!, pair.staff[0]!] });
    }
  }

  const batches: Batch[] = [];
  for (const batch of candidates) {
    if (batch.files.every((f) => loadedFileIds.has(f.fileId))) {
      for (const file of batch.files) {
        setAside.push({ file, classified: file.classified, status: 'skipped', reasonCode: 'already_loaded', message: fileMessages.alreadyLoaded(), keepInInbox: false });
      }
    } else {
      batches.push(batch);
    }
  }
  batches.sort(
    (a, b) =>
      Number(b.kind === 'snapshot') - Number(a.kind === 'snapshot') ||
      compare(a.exportDate, b.exportDate) ||
      compare(a.files[0]!.name, b.files[0]!.name),
  );
  setAside.sort((a, b) => byName(a.file, b.file));
  return { batches, setAside };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: SourceFile, b: SourceFile): number {
  return compare(a.name, b.name);
}
