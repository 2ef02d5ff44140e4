/**
 * The config schema's `iso8583-cup` entry: its fields and defaults (the page's 30 s answer
 * timeout, 3DES, operator 001), a bad endpoint refused, and the home issuer (the first entry)
 * still `cardtill-json` — an `issuers` list led by an ISO entry is a config error, not a guess.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, IssuerEntryConfig, loadConfig } from '../../src/main/config/config';

const KEY = '04' + 'ab'.repeat(64);
const JSON_ENTRY = { id: 'home', name: 'Home', url: 'http://127.0.0.1:1', publicKey: KEY, cardRanges: [''] };
const ISO_ENTRY = {
  id: 'cup',
  name: 'CUP',
  protocol: 'iso8583-cup',
  endpoint: '10.0.0.5:5000',
  cardRanges: ['888802'],
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (v: unknown) => {
  const f = path.join(dir, `${Math.random()}.json`);
  fs.writeFileSync(f, JSON.stringify(v));
  return f;
};

describe('iso8583-cup issuer entries', () => {
  it('parse with the dialect’s defaults; a JSON entry still defaults its protocol', () => {
    expect(IssuerEntryConfig.parse(ISO_ENTRY)).toEqual({
      ...ISO_ENTRY,
      keySet: '3des',
      timeoutMs: 30_000,
      attempts: 2,
      operator: '001',
    });
    expect(IssuerEntryConfig.parse(JSON_ENTRY)).toMatchObject({ protocol: 'cardtill-json' });
  });

  it('refuse a bad endpoint, key set or check value', () => {
    expect(IssuerEntryConfig.safeParse({ ...ISO_ENTRY, endpoint: 'no-port' }).success).toBe(false);
    expect(IssuerEntryConfig.safeParse({ ...ISO_ENTRY, keySet: 'des' }).success).toBe(false);
    expect(IssuerEntryConfig.safeParse({ ...ISO_ENTRY, tmkCheck: 'XYZ' }).success).toBe(false);
  });

  it('a config whose issuers put an ISO entry first is refused; after the home entry it loads', () => {
    expect(() => loadConfig(file({ issuers: [ISO_ENTRY, JSON_ENTRY] }))).toThrow(ConfigError);
    expect(() => loadConfig(file({ issuers: [ISO_ENTRY, JSON_ENTRY] }))).toThrow(/must be cardtill-json/);
    const { config } = loadConfig(file({ issuers: [JSON_ENTRY, ISO_ENTRY] }));
    expect(config.issuers!.map((e) => e.protocol)).toEqual(['cardtill-json', 'iso8583-cup']);
  });
});
