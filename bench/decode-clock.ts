// The refresh reports `read` as one stage (decode + DuckDB's read_csv). Its progress events let
// the decode part be timed from outside: a CSV that needs transcoding reports bytes done while it
// is transcoded, and its last event (all bytes done) marks the end of decoding. A file's decoding
// starts when its batch starts (first file of a batch: includes the encoding detection pass), or
// at its own first event (later files of a batch). Files already clean UTF-8 are not transcoded
// and send no events: their detection pass counts as read. Workbooks count as read.
import type { ProgressEvent } from '../pipelines/run/refresh.ts';

export class DecodeClock {
  private seconds = 0;
  private batchStart = 0;
  /** No file of the current batch has reported decoding yet. */
  private batchFresh = false;
  private readonly startedAt = new Map<string, number>();

  /** `now` in milliseconds (performance.now()). */
  onEvent(event: ProgressEvent, now: number): void {
    if (event.type === 'file-start') {
      // A batch's files are announced together, just before the batch is read.
      this.batchStart = now;
      this.batchFresh = true;
    } else if (event.type === 'file-progress' && event.bytesTotal !== undefined && event.bytesDone !== undefined) {
      if (!this.startedAt.has(event.file)) {
        this.startedAt.set(event.file, this.batchFresh ? this.batchStart : now);
        this.batchFresh = false;
      }
      if (event.bytesDone >= event.bytesTotal) {
        this.seconds += (now - this.startedAt.get(event.file)!) / 1000;
        this.startedAt.delete(event.file);
      }
    }
  }

  totalSeconds(): number {
    return this.seconds;
  }
}
