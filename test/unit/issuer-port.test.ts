/**
 * The issuer port's pure parts: the router's card ranges, the config's issuer entries, the
 * command encoding of the cardtill-json adapter, and the tolerant reader of sealed requests.
 */
import { describe, it, expect } from 'vitest';
import { IssuerRouter, rangeMatch, type IssuerEntry } from '../../src/main/issuer/router';
import { TerminalConfig, issuerEntries } from '../../src/main/config/config';
import { encodeCommand } from '../../src/main/issuer/cardtill-json';
import { commandFromSealed } from '../../src/main/issuer/sealed-command';
import { runnerKind } from '../../src/main/terminal/kind-facts';
import { commandOf } from '../../src/main/terminal/runner';
import type { IssuerPort } from '../../src/main/issuer/port';

const port = {} as IssuerPort;
const entry = (id: string, cardRanges: string[]): IssuerEntry => ({
  id,
  name: id,
  port,
  attempts: 2,
  timeoutMs: 1000,
  cardRanges,
});
const KEY = '04' + 'ab'.repeat(64);

describe('issuer router', () => {
  it('matches prefixes and prefix ranges, the most specific winning', () => {
    expect(rangeMatch('', '8888010000000017')).toBe(0);
    expect(rangeMatch('8888', '8888010000000017')).toBe(4);
    expect(rangeMatch('622200-622299', '6222501234567890')).toBe(6);
    expect(rangeMatch('622200-622299', '6223001234567890')).toBe(-1);
    const r = new IssuerRouter([
      entry('network', ['62']),
      entry('bank', ['622202']),
      entry('home', ['8888']),
    ]);
    expect(r.route('6222021234567890')?.id).toBe('bank');
    expect(r.route('6210001234567890')?.id).toBe('network');
    expect(r.route('8888010000000017')?.id).toBe('home');
    expect(r.route('4111111111111111')).toBeUndefined(); // CARD_NOT_ACCEPTED at the runner
  });

  it("rows from before issuer ids ('default') belong to the home issuer; an unknown id is refused", () => {
    const r = new IssuerRouter([entry('acme', ['8888']), entry('other', ['62'])]);
    expect(r.byId('default').id).toBe('acme');
    expect(r.byId('other').id).toBe('other');
    expect(() => r.byId('gone')).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
  });
});

describe('config issuers', () => {
  it('the single issuer block is one entry, id default, for every card', () => {
    const c = TerminalConfig.parse({});
    expect(issuerEntries(c, { url: 'http://127.0.0.1:1', publicKey: KEY })).toEqual([
      expect.objectContaining({ id: 'default', cardRanges: [''], attempts: 2, timeoutMs: 8000 }),
    ]);
  });

  it('an issuers list is taken as given, with its defaults; bad ranges are refused', () => {
    const c = TerminalConfig.parse({
      issuers: [
        { id: 'acme', name: 'Acme', url: 'https://acme.example/', publicKey: KEY, cardRanges: ['8888'] },
      ],
    });
    expect(issuerEntries(c, { url: 'x', publicKey: KEY })).toEqual([
      {
        id: 'acme',
        name: 'Acme',
        protocol: 'cardtill-json',
        url: 'https://acme.example/',
        publicKey: KEY,
        timeoutMs: 8000,
        attempts: 2,
        cardRanges: ['8888'],
      },
    ]);
    expect(
      TerminalConfig.safeParse({
        issuers: [{ id: 'a', name: 'A', url: 'https://a.example/', publicKey: KEY, cardRanges: ['62x'] }],
      }).success,
    ).toBe(false);
  });
});

describe('cardtill-json encoding and sealed commands', () => {
  const ids = { terminalId: 'T0000001', merchantId: 'M000000000001' };
  const legacy = {
    type: 'authorize',
    terminalId: 'T0000001',
    merchantId: 'M000000000001',
    stan: 41,
    time: '2026-12-01T10:00:00.000Z',
    nonce: 'ef'.repeat(16),
    card: { pan: '8888010000000017', entryMode: 'wedge' },
    amountFen: 500,
    otherTenderFen: 0,
  };

  it('a request sealed before the port is read back as the command that encodes to the same message', () => {
    const cmd = commandFromSealed(legacy);
    expect(cmd).toMatchObject({ kind: 'authorize', stan: 41, id: 'ef'.repeat(16), amountFen: 500 });
    expect(encodeCommand(cmd, ids)).toEqual(legacy);
    const rev = { ...legacy, type: 'reverse', stan: 42, origStan: 41 } as Record<string, unknown>;
    delete rev.card;
    delete rev.amountFen;
    delete rev.otherTenderFen;
    expect(encodeCommand(commandFromSealed(rev), ids)).toEqual(rev);
  });

  it('a sealed command is read as is; something else is a typed refusal', () => {
    const cmd = { kind: 'reverse', stan: 9, origStan: 8, time: 't', id: 'aa'.repeat(16) };
    expect(commandFromSealed(cmd)).toEqual(cmd);
    expect(() => commandFromSealed({ type: 'mystery', nonce: 'x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
  });

  it('the runner builds each kind’s command from the kinds table; a linked refund names no card', () => {
    const card = { pan: '8888010000000017', entryMode: 'wedge' };
    const base = { card, amountFen: 100, otherTenderFen: 0 };
    expect(commandOf({ ...base, kind: 'sale' }, 1, 't', 'i').kind).toBe('authorize');
    expect(commandOf({ ...base, kind: 'inquiry' }, 1, 't', 'i')).toEqual({
      kind: 'inquire',
      stan: 1,
      time: 't',
      id: 'i',
      card,
    });
    expect(commandOf({ ...base, kind: 'refund', origStan: 7 }, 1, 't', 'i')).toEqual({
      kind: 'refund',
      stan: 1,
      time: 't',
      id: 'i',
      amountFen: 100,
      origStan: 7,
    });
    expect(runnerKind('void')).toMatchObject({ command: 'void', reversible: true });
    expect(() => runnerKind('reversal')).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(() => runnerKind('teleport')).toThrow(expect.objectContaining({ code: 'UNKNOWN_TXN_KIND' }));
  });
});
