// What the server and a console worker process say to each other. Requests go server → worker
// over the IPC channel (small JSON messages); results come back over a plain pipe (the worker's
// fd 3) as frames [type u8][length u32 BE][payload], so that a slow reader slows the worker
// down (the pipe fills, the worker waits for `drain`) and every byte of one query arrives in
// order before its end. Written with erasable TypeScript only: the worker runs on Node's own
// type stripping, without a loader.

export type ResultFormat = 'json' | 'csv' | 'arrow' | 'parquet' | 'xlsx';

export interface QueryMessage {
  type: 'query';
  id: string;
  sql: string;
  format: ResultFormat;
  analystFile: string;
  /** Rows sent at most (the JSON row limit or the export cap). */
  maxRows: number;
  /** Bytes of the formatted result at most (JSON cap or export cap). */
  maxBytes: number;
}

export interface SchemaMessage {
  type: 'schema';
  id: string;
  analystFile: string;
}

export interface StopMessage {
  type: 'stop';
  id: string;
}

export type ToWorker = QueryMessage | SchemaMessage | StopMessage;

/** Worker → server over IPC: loaded, with its virtual size (the base of its memory cap). */
export interface ReadyMessage {
  type: 'ready';
  vmSizeBytes: number;
}

export const FRAME_HEAD = 1;
export const FRAME_DATA = 2;
export const FRAME_END = 3;
export const FRAME_FAIL = 4;

/** FRAME_HEAD: the result's columns (and, for Parquet, whether it was cut). */
export interface HeadPayload {
  id: string;
  columns: { name: string; type: string; kind: string }[];
  /** Parquet only: sent again just before the file, saying whether the row cap cut it. */
  truncated?: boolean;
}

/** FRAME_END: how the query ended. */
export interface EndPayload {
  id: string;
  rowCount: number;
  truncated: boolean;
  /** What cut the result: the row cap, the byte cap, or nothing. */
  truncatedBy: 'rows' | 'bytes' | null;
  bytes: number;
  elapsedMs: number;
  /** Only for a schema request. */
  schema?: unknown;
}

/** FRAME_FAIL: the query failed; `stopped` when it ended because the server asked it to. */
export interface FailPayload {
  id: string;
  status: number;
  code: string;
  message: string;
  stopped?: boolean;
}

export function encodeFrame(type: number, payload: Uint8Array): Buffer {
  const head = Buffer.allocUnsafe(5);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(payload.byteLength, 1);
  return Buffer.concat([head, payload]);
}

export interface Frame {
  type: number;
  payload: Buffer;
}

/** Cuts a byte stream into frames. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(bytes: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([this.pending, bytes]);
    const frames: Frame[] = [];
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) break;
      frames.push({ type: this.pending.readUInt8(0), payload: this.pending.subarray(5, 5 + length) });
      this.pending = this.pending.subarray(5 + length);
    }
    return frames;
  }
}
