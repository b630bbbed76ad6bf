// Latency percentiles by nearest rank over every recorded response time.

/** The p-th percentile (0 < p ≤ 100) of the values by nearest rank; 0 for no values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** A growing list of numbers in a typed array (millions of samples without boxing). */
export class Samples {
  private values = new Float64Array(1 << 16);
  private count = 0;

  add(value: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = value;
  }

  get size(): number {
    return this.count;
  }

  sorted(): Float64Array {
    return this.values.slice(0, this.count).sort();
  }
}
