// What the bench's child processes report over IPC.
import type { RefreshResult } from '../../pipelines/run/vocabulary.ts';
import type { StageName } from '../../pipelines/run/stages.ts';

export interface FloorMessage {
  type: 'floor';
  /** Wall seconds of the read_csv + typed CREATE TABLE AS statements and the final CHECKPOINT. */
  seconds: number;
  rows: number;
  files: { name: string; table: string; rows: number; seconds: number }[];
  duckdbVersion: string;
  ownPeakRssBytes: number;
}

/** RefreshResult as it crosses the IPC channel (dates as ISO strings). */
export type RefreshResultJson = Omit<RefreshResult, 'startedAt' | 'finishedAt'> & { startedAt: string; finishedAt: string };

export type RefreshMessage =
  | { type: 'stage'; stage: StageName; seconds: number }
  | { type: 'file'; name: string; status: string; rowsLoaded: number; rowsRejected: number; seconds: number; message?: string }
  | {
      type: 'result';
      /** Wall seconds of runRefresh. */
      seconds: number;
      /** Seconds in decoding (JavaScript transcoding of CSV files), from the progress events. */
      decodeSeconds: number;
      result: RefreshResultJson;
      ownPeakRssBytes: number;
    };

export interface StaticServerMessage {
  type: 'listening';
  port: number;
}
