// The JSON `npm run bench -- --out FILE` writes: the keys of interfaces.md's Benchmark section
// (scale; refresh.seconds / floor_seconds / ratio / peak_rss_bytes; incremental.seconds; api[]
// with p50_ms / p99_ms / rps / errors / floor_rps / floor_p99_ms), and more beside them.
import type { ApiFigures } from './http/api-bench.ts';
import type { ModelBuild } from '../pipelines/models/build-plan.ts';
import type { MachineInfo } from './machine.ts';
import type { RefreshFigures } from './refresh-figures.ts';

export interface BenchResult {
  scale: string;
  /** When the run started, ISO. */
  date: string;
  refresh: RefreshFigures & {
    floor_seconds: number;
    /** seconds / floor_seconds. */
    ratio: number;
    /** Peak RSS of the refresh's process tree. */
    peak_rss_bytes: number;
    floor_peak_rss_bytes: number;
    /** peak_rss_bytes / floor_peak_rss_bytes. */
    rss_ratio: number;
  };
  floor: {
    seconds: number;
    files: number;
    rows: number;
    /** Bytes of the UTF-8 copies read. */
    bytes: number;
    rows_per_second: number;
    peak_rss_bytes: number;
    /** Seconds making the UTF-8 copies (not timed as floor). */
    copy_seconds: number;
    /** CSV exports left out of the floor, with why. */
    skipped: { name: string; reason: string }[];
    method: string;
  };
  incremental: RefreshFigures & {
    ratio_to_full: number;
    peak_rss_bytes: number;
    export_date: string;
    files_added: string[];
    /** Models the incremental run built by keys or by touched periods (build-plan.ts). */
    partial_builds: ModelBuild[];
    /** Models it rebuilt whole, each with why. */
    rebuilt_whole: string[];
  };
  api: ApiFigures[];
  server: { start_seconds: number; peak_rss_bytes: number };
  generation: {
    seconds: number;
    seed: number;
    start_date: string;
    end_date: string;
    offices: number;
    people: number;
    files: number;
    bytes: number;
    rows: Record<string, number>;
  };
  settings: {
    duckdb_memory_limit: string;
    duckdb_threads: number;
    api_connections: number;
    api_seconds: number;
    rss_sample_ms: number;
  };
  machine: MachineInfo;
  seconds_total: number;
}
