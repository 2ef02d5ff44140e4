/**
 * The PIN blocks ride on the command only as it is sent (runner.ts `withPinBlocks`), and the
 * cardtill-json adapter puts them on the wire for the two kinds that carry them — never on another
 * command, never on the command the runner seals in the pending row (`commandOf`).
 */
import { describe, expect, it } from 'vitest';
import { commandOf, withPinBlocks, type RunRequest } from '../../src/main/terminal/runner';
import { encodeCommand } from '../../src/main/issuer/cardtill-json';

const BLOCK = 'A668EA0D45BE720B6169192423F51360';
const NEW = '00112233445566778899AABBCCDDEEFF';
const ids = { terminalId: 'T0000001', merchantId: 'M000000000001' };
const card = { pan: '8888010000000504', entryMode: 'swipe' };
const req = (kind: RunRequest['kind']): RunRequest => ({
  kind,
  card,
  amountFen: kind === 'password' ? 0 : 1250,
  otherTenderFen: 0,
  pinBlocks: { pinBlock: BLOCK, newPinBlock: NEW },
});
const T = '2026-12-01T00:00:00.000Z';

describe('PIN blocks on the command', () => {
  it('are never in the command the runner seals', () => {
    for (const kind of ['sale', 'password', 'inquiry', 'activate'] as const) {
      const sealed = commandOf(req(kind), 7, T, 'ab'.repeat(16));
      expect(JSON.stringify(sealed), kind).not.toContain(BLOCK);
      expect(JSON.stringify(sealed), kind).not.toContain(NEW);
    }
  });

  it('are attached at send for authorize (the password) and password (old + new), on the wire as such', () => {
    const sale = withPinBlocks(commandOf(req('sale'), 7, T, 'ab'.repeat(16)), req('sale').pinBlocks);
    expect(sale).toMatchObject({ kind: 'authorize', pinBlock: BLOCK });
    expect(sale).not.toHaveProperty('newPinBlock');
    expect(encodeCommand(sale, ids)).toMatchObject({ type: 'authorize', pinBlock: BLOCK, amountFen: 1250 });

    const pw = withPinBlocks(commandOf(req('password'), 8, T, 'cd'.repeat(16)), req('password').pinBlocks);
    expect(encodeCommand(pw, ids)).toEqual({
      type: 'password',
      ...ids,
      stan: 8,
      time: T,
      nonce: 'cd'.repeat(16),
      card,
      pinBlock: BLOCK,
      newPinBlock: NEW,
    });
    // Setting a first password: no old block on the wire at all.
    const first = withPinBlocks(commandOf(req('password'), 9, T, 'ef'.repeat(16)), { newPinBlock: NEW });
    expect(encodeCommand(first, ids)).not.toHaveProperty('pinBlock');
  });

  it('no other command carries one, and a sale without a password has none on the wire', () => {
    const inquiry = withPinBlocks(
      commandOf(req('inquiry'), 10, T, 'ab'.repeat(16)),
      req('inquiry').pinBlocks,
    );
    expect(JSON.stringify(encodeCommand(inquiry, ids))).not.toContain(BLOCK);
    const plain = commandOf({ ...req('sale'), pinBlocks: undefined }, 11, T, 'ab'.repeat(16));
    expect(encodeCommand(withPinBlocks(plain, undefined), ids)).not.toHaveProperty('pinBlock');
  });
});
