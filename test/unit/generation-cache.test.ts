// The per-generation cache: one computation per key and generation, dropped with a new
// generation; peek() answers from it without computing (the API's fast path for prepared bytes).
import { describe, expect, it } from 'vitest';
import { GenerationCache } from '../../server/cache.ts';

describe('GenerationCache', () => {
  it('computes a key once per generation, and peek never computes', async () => {
    const cache = new GenerationCache();
    let computed = 0;
    const compute = async () => ++computed;
    expect(cache.peek(1, 'k')).toBeUndefined();
    expect(await cache.get(1, 'k', compute)).toBe(1);
    expect(await cache.get(1, 'k', compute)).toBe(1);
    expect(await cache.peek(1, 'k')).toBe(1);
    // Another generation: nothing cached for it, and peek does not compute.
    expect(cache.peek(2, 'k')).toBeUndefined();
    expect(computed).toBe(1);
    expect(await cache.get(2, 'k', compute)).toBe(2);
    expect(cache.peek(1, 'k')).toBeUndefined();
  });

  it('does not keep a failed computation', async () => {
    const cache = new GenerationCache();
    await expect(cache.get(1, 'k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await Promise.resolve();
    expect(cache.peek(1, 'k')).toBeUndefined();
  });
});
