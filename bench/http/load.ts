// One load run with autocannon: a fixed number of connections for a fixed time against one URL.
// Percentiles are computed from every response time autocannon reports (its own histogram has
// no p95); errors are non-2xx answers plus connection errors and timeouts.
import autocannon from 'autocannon';
import { percentile, Samples } from '../percentiles.ts';

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
}

export interface LoadFigures {
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  bytes_per_second: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const samples = new Samples();
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    ...(options.headers ? { headers: options.headers } : {}),
  });
  instance.on('response', (_client, _status, _bytes, responseTimeMs) => samples.add(responseTimeMs));
  const result = await instance;
  const sorted = samples.sorted();
  return {
    requests: result.requests.total,
    rps: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50_ms: percentile(sorted, 50),
    p95_ms: percentile(sorted, 95),
    p99_ms: percentile(sorted, 99),
    max_ms: sorted.length > 0 ? sorted[sorted.length - 1]! : 0,
    errors: result.non2xx + result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    bytes_per_second: result.throughput.average,
  };
}
