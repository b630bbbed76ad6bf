// `npm run bench -- --scale tiny|lishui|province|national [--out FILE] [--keep DIR] [--api-seconds N]
//                   [--connections N] [--seed N]`
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SCALES, type Scale } from '../pipelines/demo/scales.ts';

export const USAGE = `usage: npm run bench -- --scale tiny|lishui|province|national [--out FILE] [--keep DIR] [--api-seconds N] [--connections N] [--seed N]
  --scale        size of the generated exports (default lishui)
  --out          also write the results as JSON to FILE
  --keep         work in DIR (created, must be empty) and keep it: exports, warehouse, floor copies
  --api-seconds  seconds of load per HTTP path and per floor (default 10)
  --connections  concurrent HTTP connections (default 64)
  --seed         demo generator seed (default 1)`;

export interface BenchOptions {
  scale: Scale;
  out: string | undefined;
  keep: string | undefined;
  apiSeconds: number;
  connections: number;
  seed: number;
}

export function parseBenchArgs(argv: readonly string[], base: string): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      scale: { type: 'string', default: 'lishui' },
      out: { type: 'string' },
      keep: { type: 'string' },
      'api-seconds': { type: 'string', default: '10' },
      connections: { type: 'string', default: '64' },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!SCALES.includes(values.scale as Scale)) throw new Error(`--scale must be one of ${SCALES.join(', ')}`);
  return {
    scale: values.scale as Scale,
    out: values.out === undefined ? undefined : path.resolve(base, values.out),
    keep: values.keep === undefined ? undefined : path.resolve(base, values.keep),
    apiSeconds: positiveInteger(values['api-seconds'], '--api-seconds'),
    connections: positiveInteger(values.connections, '--connections'),
    seed: positiveInteger(values.seed, '--seed'),
  };
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer: ${text}`);
  return n;
}
