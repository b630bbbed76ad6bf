// Poison files: a file whose reading killed the refresh (a crash, the heap exhausted, the OOM
// killer, kill -9) must not kill every later run too. While a run reads a file it keeps a
// marker naming it (DATA_DIR/poison/reading-<run_id>.json, at most the two files read side by
// side). A marker left behind means its run died reading: the next run (holding the refresh
// lock, so no live run owns it) records each file it names by sha256 (DATA_DIR/poison/<sha256>.json),
// marks the dead run's journal `killed` with the file named, and from then on every run skips
// those bytes (status `skipped`, reason `poison_file`), leaving the file in the inbox. A changed
// file (other bytes) is a new file and is read again; deleting the record retries the same bytes.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { currentProcess, journalDirFor, processIsAlive, writeRunJournal, type RunJournal, type RunProcess } from './journal.ts';
import { writePrivateFileSync } from '../fs/private-files.ts';
import type { SourceFile } from '../sources/batches.ts';
import type { FileReport } from './vocabulary.ts';

export interface PoisonRecord {
  file_id: string;
  file_name: string;
  /** The run that died reading it, and when that run started. */
  run_id: string;
  recorded_at: string;
  /**
   * Files read side by side with it when the run died (two are read at once): then it is only a
   * suspect, read again alone (its own round) until it either loads — the record goes — or kills
   * a run alone, which makes the record a verdict.
   */
  read_with?: string[];
}

interface ReadingMarker {
  run_id: string;
  process: RunProcess;
  files: { file_id: string; file_name: string }[];
}

export const POISON_REASON = 'poison_file';

export const poisonMessages = {
  skipped: (record: PoisonRecord) =>
    `此文件（内容相同）曾使刷新 ${record.run_id} 在读取时中断（程序崩溃、内存耗尽或进程被终止），为免再次中断本次跳过，未加载；文件留在收件箱，请检查或重新导出后再放入（内容改变后会重新读取）`,
  killed: (names: string[]) =>
    names.length > 0
      ? `刷新在读取 ${names.join('、')} 时中断（进程已不在：程序崩溃、内存耗尽或被终止），未发布；此后的刷新跳过该文件`
      : '刷新中断（进程已不在：程序崩溃、内存耗尽或被终止），未发布',
} as const;

export function poisonDirFor(dataDir: string): string {
  return path.join(dataDir, 'poison');
}

const SHA256 = /^[0-9a-f]{64}$/;
const MARKER = /^reading-([0-9A-Za-z_.:-]{1,100})\.json$/;

/** The files recorded as poison, by sha256. */
export async function poisonedFiles(dataDir: string): Promise<Map<string, PoisonRecord>> {
  const dir = poisonDirFor(dataDir);
  const records = new Map<string, PoisonRecord>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return records;
    throw error;
  }
  for (const name of names) {
    const id = name.replace(/\.json$/, '');
    if (!SHA256.test(id)) continue;
    try {
      const record = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as PoisonRecord;
      if (record.file_id === id) records.set(id, record);
    } catch {
      // unreadable record: not trusted, the file is read again
    }
  }
  return records;
}

/**
 * Called by a run that holds the refresh lock, before it reads anything: turns what dead runs
 * left (reading markers) into poison records, and marks every journal left `running` by a dead
 * process `killed`. Returns the run ids marked killed.
 */
export async function reapDeadRuns(dataDir: string, currentRunId: string, isAlive: (p: RunProcess) => boolean = processIsAlive): Promise<string[]> {
  const dir = poisonDirFor(dataDir);
  const killedFiles = new Map<string, string[]>();
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const name of names) {
    const match = MARKER.exec(name);
    if (!match || match[1] === currentRunId) continue;
    let marker: ReadingMarker;
    try {
      marker = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as ReadingMarker;
    } catch {
      await rm(path.join(dir, name), { force: true });
      continue;
    }
    if (isAlive(marker.process)) continue; // another host's run, still going
    for (const file of marker.files) {
      if (!SHA256.test(file.file_id)) continue;
      const others = marker.files.filter((f) => f.file_id !== file.file_id).map((f) => f.file_name);
      const record: PoisonRecord = {
        file_id: file.file_id,
        file_name: file.file_name,
        run_id: marker.run_id,
        recorded_at: new Date().toISOString(),
        ...(others.length > 0 ? { read_with: others } : {}),
      };
      writePrivateFileSync(path.join(dir, `${file.file_id}.json`), `${JSON.stringify(record, null, 1)}\n`);
    }
    killedFiles.set(marker.run_id, marker.files.map((f) => f.file_name));
    await rm(path.join(dir, name), { force: true });
  }
  return markKilledJournals(journalDirFor(dataDir), currentRunId, killedFiles, isAlive);
}

/** Rewrites every journal left `running` by a process that is gone as `killed`. */
async function markKilledJournals(
  journalDir: string,
  currentRunId: string,
  killedFiles: Map<string, string[]>,
  isAlive: (p: RunProcess) => boolean,
): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(journalDir)).filter((n) => /^[0-9A-Za-z_.:-]{1,100}\.json$/.test(n));
  } catch {
    return [];
  }
  const marked: string[] = [];
  for (const name of names) {
    let journal: RunJournal;
    try {
      journal = JSON.parse(await readFile(path.join(journalDir, name), 'utf8')) as RunJournal;
    } catch {
      continue;
    }
    if (journal.outcome !== 'running' || journal.run_id === currentRunId) continue;
    if (journal.process && isAlive(journal.process)) continue;
    const files = killedFiles.get(journal.run_id) ?? [];
    await writeRunJournal(journalDir, { ...journal, outcome: 'killed', message: poisonMessages.killed(files) });
    marked.push(journal.run_id);
  }
  return marked;
}

/**
 * The marker of one run: the files it is reading right now. Written synchronously before a
 * file is read (a kill can come at any instant after) and rewritten when it is done.
 */
export class ReadingTracker {
  private readonly reading = new Map<string, string>();
  private readonly file: string;

  constructor(
    private readonly dataDir: string,
    private readonly runId: string,
  ) {
    this.file = path.join(poisonDirFor(dataDir), `reading-${runId}.json`);
  }

  start(file: { fileId: string; name: string }): void {
    this.reading.set(file.fileId, file.name);
    this.write();
    // TEST HOOK, inert unless set: the process dies (SIGKILL, as the OOM killer does it) right
    // when it starts reading the named file, so tests can kill a refresh during a read.
    if (process.env.REFRESH_TEST_KILL_READING && process.env.REFRESH_TEST_KILL_READING === file.name) process.kill(process.pid, 'SIGKILL');
  }

  end(file: { fileId: string }): void {
    this.reading.delete(file.fileId);
    this.write();
    // Read to its end without killing the run: a suspect no more.
    rmSync(path.join(poisonDirFor(this.dataDir), `${file.fileId}.json`), { force: true });
  }

  /** The run is over (or failed without dying): nothing is being read. */
  clear(): void {
    this.reading.clear();
    rmSync(this.file, { force: true });
  }

  private write(): void {
    if (this.reading.size === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    const marker: ReadingMarker = {
      run_id: this.runId,
      process: currentProcess(),
      files: [...this.reading].map(([file_id, file_name]) => ({ file_id, file_name })),
    };
    mkdirSync(poisonDirFor(this.dataDir), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.tmp`;
    writePrivateFileSync(temp, JSON.stringify(marker));
    renameSync(temp, this.file);
  }
}

/** Whether a poison record's file exists (for tests and operators). */
export function poisonRecordExists(dataDir: string, fileId: string): boolean {
  return existsSync(path.join(poisonDirFor(dataDir), `${fileId}.json`));
}

export function readPoisonRecord(dataDir: string, fileId: string): PoisonRecord | undefined {
  try {
    return JSON.parse(readFileSync(path.join(poisonDirFor(dataDir), `${fileId}.json`), 'utf8')) as PoisonRecord;
  } catch {
    return undefined;
  }
}


/**
 * Takes the poisoned files out of the rounds a run will plan, with the report of each: skipped
 * (`poison_file`), left where it is. A suspect (read side by side with another when a run died)
 * is moved to a round of its own at the end, so that it is read alone.
 */
export function setAsidePoisoned(rounds: SourceFile[][], poisoned: Map<string, PoisonRecord>): { rounds: SourceFile[][]; reports: FileReport[] } {
  const reports: FileReport[] = [];
  const alone: SourceFile[][] = [];
  const kept = rounds.map((files) =>
    files.filter((file) => {
      const record = poisoned.get(file.fileId);
      if (!record) return true;
      if (record.read_with && record.read_with.length > 0) {
        alone.push([file]);
        return false;
      }
      reports.push({
        name: file.name,
        fileId: file.fileId,
        source: file.source,
        bytes: file.bytes,
        status: 'skipped',
        reasonCode: POISON_REASON,
        message: poisonMessages.skipped(record),
        rowsRead: 0,
        rowsLoaded: 0,
        rowsRejected: 0,
        rejectedByReason: {},
        seconds: 0,
      });
      return false;
    }),
  );
  return { rounds: [...kept, ...alone], reports };
}

export interface PoisonGuard {
  /** The run ids of dead runs whose journals were marked `killed`. */
  killedRuns: string[];
  /** The rounds without the poisoned files, and a report for each file set aside. */
  setAside(rounds: SourceFile[][]): { rounds: SourceFile[][]; reports: FileReport[] };
  /** For loadBatches' onFileRead. */
  onFileRead(file: { fileId: string; name: string }, phase: 'start' | 'end'): void;
  /** The run is over: nothing is being read. */
  clear(): void;
}

/**
 * What a run does about poison files, in one object: called once the run holds the lock, it
 * first settles what dead runs left (reapDeadRuns), then reads the records.
 */
export async function startPoisonGuard(dataDir: string, runId: string): Promise<PoisonGuard> {
  const killedRuns = await reapDeadRuns(dataDir, runId);
  const poisoned = await poisonedFiles(dataDir);
  const tracker = new ReadingTracker(dataDir, runId);
  return {
    killedRuns,
    setAside: (rounds) => setAsidePoisoned(rounds, poisoned),
    onFileRead: (file, phase) => (phase === 'start' ? tracker.start(file) : tracker.end(file)),
    clear: () => tracker.clear(),
  };
}
