// Parquet files of console results, written inside the console worker. The worker's analyst
// instance cannot write files (external access is off), so result chunks are handed to a
// second, in-memory DuckDB instance that never sees a user's SQL: it appends the chunks to a
// table of the result's types and COPYs that table to a Parquet file in the folder the server
// gave this worker (removed by the server when the worker ends, whatever happened).
// Erasable TypeScript only (see worker-protocol.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';

export interface ParquetWriter {
  append(chunk: DuckDBDataChunk): void;
  /** Writes the file and returns its path; the caller streams it and then calls `dispose`. */
  finish(): Promise<string>;
  dispose(): Promise<void>;
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export class ParquetExporter {
  private instance: Promise<DuckDBInstance> | undefined;
  private readonly options: { tempDir: string; memoryLimit: string };

  constructor(options: { tempDir: string; memoryLimit: string }) {
    this.options = options;
  }

  async begin(names: string[], types: DuckDBType[]): Promise<ParquetWriter> {
    // A large result spills into the worker's own folder (removed with the worker), never elsewhere.
    this.instance ??= DuckDBInstance.create(':memory:', { threads: '1', memory_limit: this.options.memoryLimit, temp_directory: path.join(this.options.tempDir, 'spill') });
    const connection: DuckDBConnection = await (await this.instance).connect();
    const table = `export_${randomBytes(8).toString('hex')}`;
    const columns = names.map((n, i) => `${quoteIdent(n)} ${types[i]!.toString()}`).join(', ');
    await connection.run(`CREATE TEMP TABLE ${table} (${columns})`);
    const appender: DuckDBAppender = await connection.createAppender(table, 'main', 'temp');
    await mkdir(this.options.tempDir, { recursive: true, mode: 0o700 });
    const file = path.join(this.options.tempDir, `${table}.parquet`);
    let appenderOpen = true;
    const closeAppender = () => {
      if (appenderOpen) {
        appenderOpen = false;
        appender.closeSync();
      }
    };
    return {
      append: (chunk) => appender.appendDataChunk(chunk),
      finish: async () => {
        closeAppender();
        await connection.run(`COPY ${table} TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`);
        return file;
      },
      dispose: async () => {
        try {
          closeAppender();
        } catch {
          // already failed; the table goes with the connection
        }
        try {
          await connection.run(`DROP TABLE IF EXISTS ${table}`);
        } catch {
          // the connection is closed next anyway
        }
        connection.closeSync();
        await rm(file, { force: true });
      },
    };
  }
}
