/**
 * Retry policy per job kind, pure. Exponential backoff with full jitter over the upper half
 * (delay = base·2^(n−1) capped at max, then a random point in [delay/2, delay]) so a fleet of
 * tills coming back from one outage does not retry in step.
 */
export interface RetryPolicy {
  /** First retry after about this long (ms). */
  baseMs: number;
  /** Never wait longer than this between attempts (ms). */
  maxMs: number;
  /**
   * Refusals (the issuer answered and said no, or answered with an error) before the job goes to
   * the dead-letter list. No answer at all is never counted: the link is down, not the job bad.
   */
  maxRefusals: number;
}

export function retryDelayMs(p: RetryPolicy, attempts: number, random: number): number {
  const exp = Math.min(p.maxMs, p.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(exp / 2 + (exp / 2) * Math.min(Math.max(random, 0), 1));
}
