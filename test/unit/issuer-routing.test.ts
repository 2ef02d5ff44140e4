/**
 * Issue 13's routing table, the parts that were missing: a card range may ask for a Luhn check
 * (`{ range, luhn }`; a bare string is no check, as every older config), and an issuer entry lists
 * the operations it takes — its protocol's adapter's set by default, only ever narrowed, a kind the
 * protocol cannot do refused at load. The router decides on the best range alone: a bad check
 * digit there is CARD_NUMBER_INVALID, never a shorter range's card.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, IssuerEntryConfig, loadConfig } from '../../src/main/config/config';
import {
  IssuerRouter,
  takesOperation,
  type CardRangeSpec,
  type IssuerEntry,
} from '../../src/main/issuer/router';
import {
  ISSUER_OPERATIONS,
  PROTOCOL_OPERATIONS,
  operationsOf,
  type IssuerOperation,
} from '../../src/main/issuer/operations';
import { isOriginalKind } from '../../src/main/issuer/iso8583/requests';
import { runnerKind } from '../../src/main/terminal/kind-facts';
import { runsOnChip } from '../../src/shared/txn-kinds';
import { luhnCheckDigit } from '../../src/shared/card';
import type { IssuerPort } from '../../src/main/issuer/port';

const KEY = '04' + 'ab'.repeat(64);
const JSON_ENTRY = { id: 'home', name: 'Home', url: 'http://127.0.0.1:1', publicKey: KEY, cardRanges: [''] };
const ISO_ENTRY = {
  id: 'cup',
  name: 'CUP',
  protocol: 'iso8583-cup',
  url: 'tcp://10.0.0.5:5000',
  cardRanges: ['888802'],
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'routing-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (v: unknown) => {
  const f = path.join(dir, `${Math.random()}.json`);
  fs.writeFileSync(f, JSON.stringify(v));
  return f;
};

/** A card number under `body` with a right check digit, and the same with a wrong one. */
const good = (body: string) => body + String(luhnCheckDigit(body));
const bad = (body: string) => body + String((luhnCheckDigit(body) + 1) % 10);

describe('card ranges in the config', () => {
  it('a range is a string (no Luhn) or { range, luhn }; luhn defaults to off, other keys and bad digits are refused', () => {
    const e = IssuerEntryConfig.parse({
      ...JSON_ENTRY,
      cardRanges: ['8888', { range: '622202', luhn: true }, { range: '622200-622299' }],
    });
    expect(e.cardRanges).toEqual([
      '8888',
      { range: '622202', luhn: true },
      { range: '622200-622299', luhn: false },
    ]);
    for (const r of [
      { range: '62x', luhn: true },
      { range: '6222', luhn: true, bin: 1 },
      { luhn: true },
      '622200-6222', // ends of two lengths: would never match
      '622299-622200', // backwards
    ])
      expect(IssuerEntryConfig.safeParse({ ...JSON_ENTRY, cardRanges: [r] }).success, JSON.stringify(r)).toBe(
        false,
      );
  });
});

describe('operations in the config', () => {
  it('absent: the protocol’s default set (what its adapter can do); listed: narrowed, in table order', () => {
    expect(operationsOf('cardtill-json', undefined)).toEqual([...ISSUER_OPERATIONS]);
    expect(operationsOf('iso8583-cup', undefined)).toEqual([
      'sale',
      'inquiry',
      'void',
      'refund',
      'activate',
      'topup',
    ]);
    expect(operationsOf('file-batch', undefined)).toEqual(['sale', 'inquiry', 'void', 'refund']);
    expect(operationsOf('iso8583-cup', ['refund', 'sale', 'sale'])).toEqual(['sale', 'refund']);
    expect(ISSUER_OPERATIONS).not.toContain('reversal'); // follows what it undoes: never listed
    const { config } = loadConfig(file({ issuers: [{ ...JSON_ENTRY, operations: ['sale', 'inquiry'] }] }));
    expect(config.issuers![0]!.operations).toEqual(['sale', 'inquiry']);
  });

  it('a kind the protocol cannot do is refused at load, with what it can do', () => {
    const load = (e: object) => () => loadConfig(file({ issuers: [JSON_ENTRY, e] }));
    expect(load({ ...ISO_ENTRY, operations: ['sale', 'cashout'] })).toThrow(ConfigError);
    expect(load({ ...ISO_ENTRY, operations: ['sale', 'cashout'] })).toThrow(
      /issuers\.1\.operations: iso8583-cup cannot do cashout \(its adapter takes sale, inquiry, void, refund, activate, topup\)/,
    );
    const fb = { ...ISO_ENTRY, protocol: 'file-batch', url: 'file:///srv/mart', publicKey: KEY };
    expect(load({ ...fb, operations: ['sale', 'topup'] })).toThrow(/file-batch cannot do topup/);
    expect(load({ ...fb, operations: ['sale', 'refund'] })).not.toThrow();
    // Not a kind at all, a reversal, an empty list, a cash-out that could never ask the balance.
    expect(load({ ...JSON_ENTRY, id: 'b', operations: ['teleport'] })).toThrow(/operations\.0/);
    expect(load({ ...JSON_ENTRY, id: 'b', operations: ['reversal'] })).toThrow(/operations\.0/);
    expect(load({ ...JSON_ENTRY, id: 'b', operations: [] })).toThrow(/operations/);
    expect(load({ ...JSON_ENTRY, id: 'b', operations: ['cashout'] })).toThrow(/cashout needs inquiry/);
  });

  it('the iso8583-cup default is what its adapter builds a message for (the e-purse kinds clear over cardtill-json only)', () => {
    for (const k of ISSUER_OPERATIONS) {
      const iso = PROTOCOL_OPERATIONS['iso8583-cup'].includes(k);
      if (runsOnChip(k)) expect(iso, k).toBe(false);
      else expect(isOriginalKind(runnerKind(k).command), k).toBe(iso);
    }
  });
});

describe('the router', () => {
  const port = {} as IssuerPort;
  const entry = (id: string, cardRanges: CardRangeSpec[], operations?: IssuerOperation[]): IssuerEntry => ({
    id,
    name: id,
    port,
    attempts: 1,
    timeoutMs: 1000,
    cardRanges,
    ...(operations ? { operations } : {}),
  });

  it('a Luhn range at the best match refuses a bad check digit; a string range takes it as it is', () => {
    const r = new IssuerRouter([entry('bank', [{ range: '622202', luhn: true }]), entry('mall', ['8888'])]);
    expect(r.decide(good('622202123456789'))).toMatchObject({ entry: { id: 'bank' }, rule: { luhn: true } });
    expect(r.decide(bad('622202123456789'))).toEqual({ refused: 'CARD_NUMBER_INVALID' });
    expect(r.decide(bad('888801000000001'))).toMatchObject({ entry: { id: 'mall' }, rule: { luhn: false } });
    expect(r.decide('4111111111111111')).toEqual({ refused: 'CARD_NOT_ACCEPTED' });
    // route() still says whose card it is (the password and e-purse screens ask that).
    expect(r.route(bad('622202123456789'))?.id).toBe('bank');
  });

  it('a longer range without Luhn beats a shorter one with it; a bad digit on the best range is never routed on', () => {
    const r = new IssuerRouter([
      entry('network', [{ range: '62', luhn: true }]),
      entry('bank', ['622202']),
      entry('wide', ['6']),
    ]);
    expect(r.decide(bad('622202123456789'))).toMatchObject({ entry: { id: 'bank' } });
    // Best match "62" asks for Luhn: refused, not handed to the shorter "6".
    expect(r.decide(bad('621000123456789'))).toEqual({ refused: 'CARD_NUMBER_INVALID' });
    expect(r.decide(good('621000123456789'))).toMatchObject({ entry: { id: 'network' } });
    // A prefix range of one length with Luhn.
    const ranged = new IssuerRouter([entry('r', [{ range: '622200-622299', luhn: true }])]);
    expect(ranged.decide(bad('622250123456789'))).toEqual({ refused: 'CARD_NUMBER_INVALID' });
    expect(ranged.decide(good('622250123456789'))).toMatchObject({ entry: { id: 'r' } });
  });

  it('an entry takes the operations it lists (a reversal always); without a list it is not narrowed here', () => {
    const narrow = entry('n', [''], ['sale', 'inquiry']);
    expect(takesOperation(narrow, 'sale')).toBe(true);
    expect(takesOperation(narrow, 'refund')).toBe(false);
    expect(takesOperation(narrow, 'reversal')).toBe(true);
    expect(takesOperation(entry('all', ['']), 'cashout')).toBe(true);
    // An entry whose protocol's refund names its original (iso8583-cup) takes no unlinked one.
    const iso = { ...entry('cup', ['']), unlinkedRefunds: false };
    expect([takesOperation(iso, 'refund'), takesOperation(iso, 'refund', true)]).toEqual([true, false]);
    expect(takesOperation(entry('json', ['']), 'refund', true)).toBe(true);
  });
});
