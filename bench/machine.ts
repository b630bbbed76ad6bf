// The machine a bench ran on, for its report.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  ram_bytes: number;
  os: string;
  node_version: string;
  duckdb_version: string;
  duckdb_node_api_version: string;
  /** Load averages (1, 5, 15 min) when each phase started: other work on the machine shows here. */
  load_average: Record<string, [number, number, number]>;
}

export function machineInfo(duckdbVersion: string): Omit<MachineInfo, 'load_average'> {
  const cpus = os.cpus();
  return {
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    ram_bytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node_version: process.version,
    duckdb_version: duckdbVersion,
    duckdb_node_api_version: packageVersion('@duckdb/node-api'),
  };
}

export function loadAverage(): [number, number, number] {
  const [one = 0, five = 0, fifteen = 0] = os.loadavg();
  return [round2(one), round2(five), round2(fifteen)];
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function packageVersion(name: string): string {
  try {
    const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
