// The worker → server framing (worker-protocol.ts): frames of any size, read in pieces of any
// size (one byte, a frame's header split, several frames at once), come out whole and in order.
import { expect, it } from 'vitest';
import { encodeFrame, FrameReader } from '../../server/console/worker-protocol.ts';

it('cuts a byte stream into the frames that were written, whatever the read sizes', () => {
  const frames = [encodeFrame(1, Buffer.from('abc')), encodeFrame(2, Buffer.alloc(100_000, 7)), encodeFrame(3, Buffer.alloc(0)), encodeFrame(4, Buffer.from('z'))];
  const all = Buffer.concat(frames);
  for (const step of [1, 3, 5, 7, 4096, 1 << 20]) {
    const reader = new FrameReader();
    const out = [];
    for (let i = 0; i < all.length; i += step) out.push(...reader.push(all.subarray(i, i + step)));
    expect(out.map((f) => [f.type, f.payload.length]), `reads of ${step}`).toEqual([
      [1, 3],
      [2, 100_000],
      [3, 0],
      [4, 1],
    ]);
    expect(out[0]!.payload.toString()).toBe('abc');
    expect(out[1]!.payload.every((b) => b === 7)).toBe(true);
  }
});
