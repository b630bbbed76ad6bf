// Failed-login limiter, in memory: at most `limit` failures per key (an IP, a user name) in a
// sliding window. Once a key is at its limit, further attempts are refused until the oldest
// failure leaves the window.

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Seconds until `key` may try again; 0 when it may try now. */
  retryAfterSeconds(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.options.limit) return 0;
    const oldest = recent[recent.length - this.options.limit]!;
    return Math.max(1, Math.ceil((oldest + this.options.windowMs - this.now()) / 1000));
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
    if (this.failures.size > 10_000) this.prune();
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.options.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) {
      const recent = this.recent(key);
      if (recent.length === 0) this.failures.delete(key);
      else this.failures.set(key, recent);
    }
  }
}

export interface LoginGuardOptions {
  /** Failures of one name from one address that lock the name for that address. */
  lockAfter: number;
  windowMs: number;
  /** The longest a name is slowed down by failures from many addresses. */
  maxDelayMs: number;
  now?: () => number;
}

interface Attempts {
  failures: number[];
  inFlight: number;
}

export type GuardDecision =
  | { ok: true; finish: (result: 'success' | 'failure' | 'error') => { lockReached: boolean } }
  | { ok: false; reason: 'locked' | 'slowed'; retryAfterSeconds: number };

/**
 * Counts sign-in tries BEFORE the password is checked, atomically (one synchronous step on the
 * event loop): a try in flight counts as spent, so concurrent attempts cannot pass the count.
 * Per name and address: `lockAfter` failures lock (the caller persists the lock). Per name
 * across addresses: past `lockAfter` failures each further try waits an increasing delay
 * (1 s, 2 s, 4 s … up to maxDelayMs), one at a time, so the owner is slowed, never locked out.
 */
export class LoginGuard {
  private readonly pairs = new Map<string, Attempts>();
  private readonly names = new Map<string, Attempts>();
  private readonly now: () => number;

  constructor(private readonly options: LoginGuardOptions) {
    this.now = options.now ?? Date.now;
  }

  begin(name: string, address: string): GuardDecision {
    const at = this.now();
    const pair = this.attempts(this.pairs, `${name}\n${address}`, at);
    const byName = this.attempts(this.names, name, at);
    const { lockAfter, windowMs, maxDelayMs } = this.options;
    if (pair.failures.length + pair.inFlight >= lockAfter) {
      const oldest = pair.failures[0];
      const wait = oldest !== undefined && pair.failures.length >= lockAfter ? oldest + windowMs - at : 1000;
      return { ok: false, reason: 'locked', retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    const excess = byName.failures.length - lockAfter;
    if (excess >= 0) {
      const delay = Math.min(1000 * 2 ** excess, maxDelayMs);
      const wait = byName.failures.at(-1)! + delay - at;
      if (wait > 0 || byName.inFlight > 0) return { ok: false, reason: 'slowed', retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    pair.inFlight++;
    byName.inFlight++;
    let done = false;
    return {
      ok: true,
      finish: (result) => {
        if (done) return { lockReached: false };
        done = true;
        pair.inFlight--;
        byName.inFlight--;
        // An error (not an answer) neither counts nor forgives.
        if (result === 'error') return { lockReached: false };
        if (result === 'success') {
          this.pairs.delete(`${name}\n${address}`);
          return { lockReached: false };
        }
        const when = this.now();
        pair.failures.push(when);
        byName.failures.push(when);
        return { lockReached: pair.failures.length >= lockAfter };
      },
    };
  }

  /** Forgets the failures of a name at an address (its lock is now kept by the users file). */
  clear(name: string, address: string): void {
    const pair = this.pairs.get(`${name}\n${address}`);
    if (pair) pair.failures = [];
  }

  private attempts(map: Map<string, Attempts>, key: string, at: number): Attempts {
    let entry = map.get(key);
    if (!entry) {
      if (map.size > 10_000) this.prune(map, at);
      entry = { failures: [], inFlight: 0 };
      map.set(key, entry);
    }
    entry.failures = entry.failures.filter((t) => t > at - this.options.windowMs);
    return entry;
  }

  private prune(map: Map<string, Attempts>, at: number): void {
    for (const [key, entry] of map) {
      entry.failures = entry.failures.filter((t) => t > at - this.options.windowMs);
      if (entry.failures.length === 0 && entry.inFlight === 0) map.delete(key);
    }
  }
}
