// The refresh reports `read` as one stage (decode + DuckDB's read_csv). Its progress events let
// the decode part be timed from outside: a CSV that needs transcoding reports bytes done while it
// is transcoded, and its last event (all bytes done) marks the end of its decoding. A file's
// decoding starts when its group of files starts (the first file of a group: includes the
// encoding detection pass) or at its own first event (later files). Files may be read two at a
// time, so decode is the wall time during which at least one file was decoding (the union of
// the intervals), never more than the read stage. Files already clean UTF-8 are not transcoded
// and send no events: their detection pass counts as read; so do workbooks.
import type { ProgressEvent } from '../pipelines/run/vocabulary.ts';

export class DecodeClock {
  private readonly intervals: [number, number][] = [];
  private groupStart = 0;
  /** No file of the current group has reported decoding yet. */
  private groupFresh = false;
  private readonly startedAt = new Map<string, number>();

  /** `now` in milliseconds (performance.now()). */
  onEvent(event: ProgressEvent, now: number): void {
    if (event.type === 'file-start') {
      // A group's files are announced together, just before the group is read.
      this.groupStart = now;
      this.groupFresh = true;
    } else if (event.type === 'file-progress' && event.bytesTotal !== undefined && event.bytesDone !== undefined) {
      if (!this.startedAt.has(event.file)) {
        this.startedAt.set(event.file, this.groupFresh ? this.groupStart : now);
        this.groupFresh = false;
      }
      if (event.bytesDone >= event.bytesTotal) {
        this.intervals.push([this.startedAt.get(event.file)!, now]);
        this.startedAt.delete(event.file);
      }
    }
  }

  /** Seconds during which some file was decoding. */
  totalSeconds(): number {
    const sorted = [...this.intervals].sort((a, b) => a[0] - b[0]);
    let total = 0;
    let end = -Infinity;
    for (const [start, stop] of sorted) {
      if (stop <= end) continue;
      total += stop - Math.max(start, end);
      end = stop;
    }
    return total / 1000;
  }
}
