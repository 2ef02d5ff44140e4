/**
 * The config schema's `iso8583-cup` entry: its `iso8583` block's defaults (3DES, operator 001), a
 * url that is not tcp://host:port refused, a JSON entry without its key refused, and the home
 * issuer (the first entry) never iso8583-cup — a config error, not a guess.
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
  url: 'tcp://10.0.0.5:5000',
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
    expect(IssuerEntryConfig.parse({ ...ISO_ENTRY, iso8583: {} })).toEqual({
      ...ISO_ENTRY,
      timeoutMs: 8000,
      attempts: 2,
      iso8583: { keySet: '3des', operator: '001' },
    });
    expect(IssuerEntryConfig.parse(JSON_ENTRY)).toMatchObject({ protocol: 'cardtill-json' });
  });

  it('refuse a bad key set or check value; a url that is not tcp://host:port, or a JSON entry without its key', () => {
    expect(IssuerEntryConfig.safeParse({ ...ISO_ENTRY, iso8583: { keySet: 'des' } }).success).toBe(false);
    expect(IssuerEntryConfig.safeParse({ ...ISO_ENTRY, iso8583: { tmkCheck: 'XYZ' } }).success).toBe(false);
    expect(() =>
      loadConfig(file({ issuers: [JSON_ENTRY, { ...ISO_ENTRY, url: 'http://10.0.0.5:5000' }] })),
    ).toThrow(/tcp:\/\/host:port/);
    expect(() =>
      loadConfig(file({ issuers: [JSON_ENTRY, { ...ISO_ENTRY, url: 'tcp://10.0.0.5' }] })),
    ).toThrow(ConfigError);
    expect(() => loadConfig(file({ issuers: [{ ...JSON_ENTRY, publicKey: undefined }] }))).toThrow(
      /needs publicKey/,
    );
  });

  it('a config whose issuers put an ISO entry first is refused; after the home entry it loads', () => {
    expect(() => loadConfig(file({ issuers: [ISO_ENTRY, JSON_ENTRY] }))).toThrow(ConfigError);
    expect(() => loadConfig(file({ issuers: [ISO_ENTRY, JSON_ENTRY] }))).toThrow(/cannot be iso8583-cup/);
    const { config } = loadConfig(file({ issuers: [JSON_ENTRY, ISO_ENTRY] }));
    expect(config.issuers!.map((e) => e.protocol)).toEqual(['cardtill-json', 'iso8583-cup']);
  });
});
