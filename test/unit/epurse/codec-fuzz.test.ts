/**
 * Fuzz of every e-purse/PSAM answer parser: any bytes a card, a PSAM or a broken reader can send
 * either parse or throw an EpurseError — never a RangeError, a TypeError or a silent wrong field.
 * Inputs mix pure noise with answers shaped like the real ones (right data length, random status
 * word; 9000 with a length one off). 100,000 inputs by default; EPURSE_FUZZ_RUNS=… for more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as c from '../../../src/drivers/ic/epurse/codec';
import { EpurseError } from '../../../src/drivers/ic/epurse/errors';
import { VirtualEpurseCard } from '../../../src/drivers/ic/epurse/virtual-epurse';
import { VirtualPsam } from '../../../src/drivers/ic/epurse/virtual-psam';

const RUNS = Number(process.env.EPURSE_FUZZ_RUNS ?? 100_000);

const PARSERS: [string, number, (r: Uint8Array) => unknown][] = [
  ['public info', 30, c.parsePublicInfo],
  ['balance', 4, c.parseBalance],
  ['init purchase', 15, c.parseInitPurchase],
  ['debit', 8, c.parseDebit],
  ['prove', 8, c.parseProve],
  ['init load', 16, c.parseInitLoad],
  ['credit', 4, c.parseCredit],
  ['record', 23, c.parseTxnRecord],
  ['terminal number', 6, c.parseTerminalNumber],
  ['psam mac1', 8, c.parsePsamMac1],
  ['psam verify', 0, c.parsePsamVerifyMac2],
  ['ok', 0, (r) => c.parseOk(r, 'select')],
];

const sw = fc.oneof(
  fc.constantFrom(0x9000, 0x9401, 0x9302, 0x6985, 0x9406, 0x6108, 0x6a82, 0x6700),
  fc.integer({ min: 0, max: 0xffff }),
);

const answer = (n: number) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc
      .tuple(fc.uint8Array({ minLength: n, maxLength: n }), sw)
      .map(([d, s]) => Uint8Array.from([...d, s >> 8, s & 0xff])),
    fc
      .tuple(fc.uint8Array({ minLength: Math.max(0, n - 1), maxLength: n + 1 }))
      .map(([d]) => Uint8Array.from([...d, 0x90, 0x00])),
  );

describe('e-purse answer parsers under fuzz', () => {
  it(`give fields or an EpurseError for ${RUNS} inputs`, () => {
    const per = Math.ceil(RUNS / PARSERS.length);
    let typed = 0;
    for (const [name, n, parse] of PARSERS) {
      fc.assert(
        fc.property(answer(n), (bytes) => {
          try {
            parse(bytes);
          } catch (e) {
            if (!(e instanceof EpurseError)) throw new Error(`${name}: ${String(e)}`);
            typed++;
          }
        }),
        { numRuns: per },
      );
    }
    expect(typed).toBeGreaterThan(0);
  });
});

describe('the virtual card and PSAM under fuzz (they sit behind a TCP socket in the tests)', () => {
  it('answer any command bytes with a status word, never throw', () => {
    const card = new VirtualEpurseCard({ cardNumber: '88880200000000010', balanceFen: 1000 });
    const psam = new VirtualPsam({ terminalNumber: '000000000001' });
    card.respond(c.selectEpurse());
    psam.respond(c.selectPsam());
    const cmd = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc
        .tuple(
          fc.constantFrom(0x00, 0x80),
          fc.constantFrom(0x50, 0x52, 0x54, 0x5a, 0x5c, 0x70, 0x72, 0xb0, 0xb2, 0xc0),
          fc.uint8Array({ maxLength: 36 }),
        )
        .map(([cla, ins, rest]) => Uint8Array.from([cla, ins, ...rest])),
    );
    fc.assert(
      fc.property(cmd, (apdu) => {
        for (const r of [card.respond(apdu), psam.respond(apdu)]) expect(r.length).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
  });
});
