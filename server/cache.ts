// Results cached per warehouse generation: a page or an API answer computed once for the
// published file it came from, dropped as soon as a newer file is open. Concurrent requests for
// the same key share one computation; a failed one is not kept.

export class GenerationCache {
  readonly #entries = new Map<string, Promise<unknown>>();
  #generation: number | null = null;

  constructor(private readonly maxEntries = 500) {}

  get<T>(generation: number, key: string, compute: () => Promise<T>): Promise<T> {
    if (generation !== this.#generation) {
      this.#entries.clear();
      this.#generation = generation;
    }
    const hit = this.#entries.get(key);
    if (hit) {
      // keep recently used entries last (Map order) for the eviction below
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit as Promise<T>;
    }
    const pending = compute();
    this.#entries.set(key, pending);
    pending.catch(() => {
      if (this.#entries.get(key) === pending) this.#entries.delete(key);
    });
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return pending;
  }

  /** The entry of `key` for `generation` if there is one (computed or being computed), without computing it. */
  peek<T>(generation: number, key: string): Promise<T> | undefined {
    if (generation !== this.#generation) return undefined;
    return this.#entries.get(key) as Promise<T> | undefined;
  }

  get size(): number {
    return this.#entries.size;
  }
}
