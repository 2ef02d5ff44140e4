/**
 * A manager's override rides on the sale's Authorize only as it is sent (runner.ts `asSent`),
 * never in the command sealed in the pending row (`commandOf`) and never on the cardtill-json
 * wire; the offer checks the PIN only when asked, and keeps a refusal to raise after the run.
 */
import { describe, expect, it } from 'vitest';
import { asSent, commandOf, type RunRequest } from '../../src/main/terminal/runner';
import { encodeCommand } from '../../src/main/issuer/cardtill-json';
import { offerOverride } from '../../src/main/terminal/override-offer';
import type { OverrideChecker } from '../../src/main/auth/override';
import { TillError } from '../../src/shared/errors';

const PIN = '274163';
const T = '2026-12-01T00:00:00.000Z';
const ids = { terminalId: 'T0000001', merchantId: 'M000000000001' };
const asked: Array<{ action: string; stan?: number; note?: string }> = [];
const checker: OverrideChecker = {
  check(action, o, detail = {}) {
    asked.push({ action, ...detail });
    if (o?.pin !== PIN) throw new TillError('BAD_PIN');
    return { id: o.operatorId, name: 'm', role: 'manager' } as never;
  },
};
const req = (kind: RunRequest['kind'], pin = PIN): RunRequest => ({
  kind,
  card: { pan: '8888030000000015', entryMode: 'swipe' },
  amountFen: 60_000,
  otherTenderFen: 0,
  override: offerOverride(checker, { operatorId: '2001', pin }).offer,
});

describe("a manager's override on the command", () => {
  it('is attached at send to an Authorize only, never sealed, never on the JSON wire', () => {
    const sealed = commandOf(req('sale'), 7, T, 'ab'.repeat(16));
    expect(sealed).not.toHaveProperty('override');
    const sent = asSent(sealed, req('sale'));
    expect(sent).toHaveProperty('override');
    expect(JSON.stringify(encodeCommand(sent, ids))).not.toContain(PIN);
    expect(encodeCommand(sent, ids)).not.toHaveProperty('override');
    const inquiry = asSent(commandOf(req('inquiry'), 8, T, 'ab'.repeat(16)), req('inquiry'));
    expect(inquiry).not.toHaveProperty('override');
  });

  it('checks the PIN only when the port asks; a refusal is kept and raised after the run', () => {
    asked.length = 0;
    const good = offerOverride(checker, { operatorId: '2001', pin: PIN });
    expect(asked).toEqual([]);
    expect(good.offer.grant({ stan: 9, rules: ['OFFLINE_FLOOR_LIMIT', 'OFFLINE_CARD_LIMIT'] })).toBe('2001');
    expect(asked).toEqual([
      { action: 'offline_over_limit', stan: 9, note: 'OFFLINE_FLOOR_LIMIT,OFFLINE_CARD_LIMIT' },
    ]);
    expect(() => good.raise()).not.toThrow();
    const bad = offerOverride(checker, { operatorId: '2001', pin: '0000' });
    expect(() => bad.raise()).not.toThrow(); // not asked: nothing to raise
    expect(bad.offer.grant({ stan: 10, rules: ['OFFLINE_FLOOR_LIMIT'] })).toBeUndefined();
    expect(() => bad.raise()).toThrow(expect.objectContaining({ code: 'BAD_PIN' }));
  });
});
