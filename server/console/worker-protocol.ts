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
/** The worker took the request (sent before any work): a worker lost before it never ran it. */
export const FRAME_ACCEPTED = 5;

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

/** Cuts a byte stream into frames (pieces are joined once a whole frame is there, not per read). */
export class FrameReader {
  private pieces: Buffer[] = [];
  private length = 0;

  push(bytes: Buffer): Frame[] {
    this.pieces.push(bytes);
    this.length += bytes.length;
    const frames: Frame[] = [];
    while (this.length >= 5) {
      const head = this.pieces[0]!.length >= 5 ? this.pieces[0]! : this.join();
      const needed = 5 + head.readUInt32BE(1);
      if (this.length < needed) break;
      const all = this.join();
      frames.push({ type: all.readUInt8(0), payload: all.subarray(5, needed) });
      const rest = all.subarray(needed);
      this.pieces = rest.length > 0 ? [rest] : [];
      this.length = rest.length;
    }
    return frames;
  }

  private join(): Buffer {
    if (this.pieces.length > 1) this.pieces = [Buffer.concat(this.pieces, this.length)];
    return this.pieces[0]!;
  }
}
