/**
 * Reader codec byte fixtures (test/fixtures/<kind>/frames.json): each one fed whole, split at
 * every point and byte by byte must give the same results — the carry-over buffer test
 * CONVENTIONS.md asks of every framer.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

export interface FrameFixture<F extends string> {
  name: string;
  framing: F;
  hex: string;
  expect: Array<Record<string, unknown>>;
}

export interface PushFlushCodec<R> {
  push(bytes: Uint8Array): R[];
  flush(): R[];
}

export function loadFrameFixtures<F extends string>(url: URL): Array<FrameFixture<F>> {
  return (JSON.parse(readFileSync(url, 'utf8')) as { fixtures: Array<FrameFixture<F>> }).fixtures;
}

/** Feeds chunks, then flushes (as the transport does after silence). */
export function feedChunks<R>(codec: PushFlushCodec<R>, chunks: Uint8Array[]): R[] {
  const out: R[] = [];
  for (const c of chunks) out.push(...codec.push(c));
  out.push(...codec.flush());
  return out;
}

/** One test per fixture: whole, split at every point, byte by byte — always the expected results. */
export function itOnEverySplit<F extends string>(
  fixtures: Array<FrameFixture<F>>,
  run: (framing: F, chunks: Uint8Array[]) => Array<Record<string, unknown>>,
): void {
  for (const f of fixtures) {
    const bytes = Uint8Array.from(Buffer.from(f.hex, 'hex'));
    it(`${f.name}: whole, split at every point, byte by byte`, () => {
      expect(run(f.framing, [bytes])).toEqual(f.expect);
      for (let i = 1; i < bytes.length; i++) {
        expect(run(f.framing, [bytes.subarray(0, i), bytes.subarray(i)]), `split at ${i}`).toEqual(f.expect);
      }
      expect(
        run(
          f.framing,
          Array.from(bytes, (b) => Uint8Array.of(b)),
        ),
      ).toEqual(f.expect);
    });
  }
}
