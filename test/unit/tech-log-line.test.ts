/** The technician's event log shows each line's stamp on the store's clock (src/renderer/screens/tech-log-line.ts). */
import { describe, it, expect } from 'vitest';
import { localLogLine } from '../../src/renderer/screens/tech-log-line';

describe('event log line on the screen', () => {
  it("the UTC stamp is shown in the store's zone, the message unchanged", () => {
    expect(localLogLine('2026-12-02T02:48:41.897Z sim-msr: connected', 'Asia/Shanghai')).toBe(
      '2026-12-02 10:48:41.897 sim-msr: connected',
    );
    // Across midnight: 20:00 UTC is the next day in Shanghai.
    expect(localLogLine('2026-12-01T20:00:00Z issuer link is back', 'Asia/Shanghai')).toBe(
      '2026-12-02 04:00:00 issuer link is back',
    );
  });

  it('a line with no leading stamp is left as it came', () => {
    expect(localLogLine('  at Foo (bar.ts:1)', 'Asia/Shanghai')).toBe('  at Foo (bar.ts:1)');
    expect(localLogLine('card 2026-12-02T02:48:41Z later', 'Asia/Shanghai')).toBe(
      'card 2026-12-02T02:48:41Z later',
    );
  });
});
