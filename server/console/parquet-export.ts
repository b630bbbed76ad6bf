// Parquet files of console results. The console's own instance cannot write files (external
// access is off), so result chunks are handed to a second, in-memory DuckDB instance that
// never sees a user's SQL: it appends the chunks to a table of the result's types and COPYs
// that table to a Parquet file in a folder the server chose.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../pipelines/warehouse/duckdb.ts';

export interface ParquetWriter {
  append(chunk: DuckDBDataChunk): void;
  /** Writes the file and returns its path; the caller streams it and then calls `dispose`. */
  finish(): Promise<string>;
  dispose(): Promise<void>;
}

export class ParquetExporter {
  private instance: Promise<DuckDBInstance> | undefined;

  constructor(private readonly options: { tempDir: string; memoryLimit: string }) {}

  async begin(names: string[], types: DuckDBType[]): Promise<ParquetWriter> {
    this.instance ??= DuckDBInstance.create(':memory:', { threads: '1', memory_limit: this.options.memoryLimit });
    const connection: DuckDBConnection = await (await this.instance).connect();
    const table = `export_${randomBytes(8).toString('hex')}`;
    const columns = names.map((n, i) => `${quoteIdent(n)} ${types[i]!.toString()}`).join(', ');
    await connection.run(`CREATE TEMP TABLE ${table} (${columns})`);
    const appender: DuckDBAppender = await connection.createAppender(table, 'main', 'temp');
    await mkdir(this.options.tempDir, { recursive: true });
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
        connection.closeSync();
        await rm(file, { force: true });
      },
    };
  }

  close(): void {
    void this.instance?.then((i) => i.closeSync());
    this.instance = undefined;
  }
}
