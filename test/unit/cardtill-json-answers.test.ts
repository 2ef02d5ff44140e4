/**
 * The cardtill-json adapter reads each command's own answer part into the port's typed fields
 * (settlement, advice results, hot-card list), so no caller parses wire fields; one that cannot
 * be read is `malformed`, never a typed answer.
 */
import { describe, expect, it } from 'vitest';
import { typedAnswer } from '../../src/main/issuer/cardtill-json';
import type { IssuerResponse } from '../../src/shared/issuer-protocol';

const head = { type: 'x', terminalId: 'T1', stan: 9, nonce: 'n', time: '2026-12-01T00:00:00Z' };
const r = (extra: Record<string, unknown>, result: 'approved' | 'declined' = 'approved') =>
  ({ ...head, result, ...extra }) as unknown as IssuerResponse;
const totals = { saleCount: 1, saleFen: 5, voidCount: 0, voidFen: 0, refundCount: 0, refundFen: 0 };

describe('typed answers of the cardtill-json adapter', () => {
  it('settle: the settlement when approved; malformed when it does not parse; none on a refusal', () => {
    expect(
      typedAnswer('settle', r({ settlement: { batchNo: 1, matched: true, totals } })).settlement,
    ).toEqual({ batchNo: 1, matched: true, totals: expect.objectContaining(totals) });
    const bad = typedAnswer('settle', r({ settlement: { batchNo: 1 } }));
    expect(bad.settlement).toBeUndefined();
    expect(bad.malformed).toMatch(/^not a settlement/);
    const refused = typedAnswer('settle', r({ code: 'ISSUER_ERROR' }, 'declined'));
    expect(refused).toMatchObject({ result: 'declined', code: 'ISSUER_ERROR' });
    expect(refused.malformed).toBeUndefined();
  });

  it('advice and hotcards: their results and list; the header fields are not part of them', () => {
    const results = [{ stan: 3, result: 'approved' }];
    expect(typedAnswer('advice', r({ results })).advice).toEqual({
      results: [expect.objectContaining({ stan: 3 })],
    });
    expect(typedAnswer('advice', r({})).malformed).toMatch(/^not an advice answer/);
    const list = { version: 4, full: false, add: [], remove: [] };
    expect(typedAnswer('hotcards', r(list)).hotcards).toEqual(list);
    expect(typedAnswer('hotcards', r({ version: -1 })).malformed).toMatch(/^not a hot-card list/);
    // Other commands carry no typed part.
    expect(typedAnswer('echo', r({}))).toEqual({ result: 'approved', extra: {} });
  });
});
