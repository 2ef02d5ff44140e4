/**
 * Builds the generator's comb table (./sm2-comb.ts, ~0.2 s, a few MB) now — e.g. at app start —
 * instead of on the first signature.
 */
import { gComb } from './sm2-comb';

export function sm2Warmup(): void {
  gComb();
}
