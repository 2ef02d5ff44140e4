/**
 * The forwarder over a scripted issuer port (any adapter, as the core sees it): its link probe and
 * hot-card refresh are typed `Echo` and `Hotcards` commands, their answers typed, and the port's
 * outcome alone decides the link state — no wire message, no link. Real SQLite file and offline
 * store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTerminalDb, takeStan } from '../../src/main/store/terminal-db';
import { loadOrCreateTerminalKeys } from '../../src/main/keys/terminal-keys';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { OfflineStore } from '../../src/offline-queue/store';
import { OfflineConfig } from '../../src/offline-queue/config';
import { Forwarder } from '../../src/offline-queue/forwarder';
import type { IssuerPort } from '../../src/main/issuer/port';
import { ScriptedPort } from '../helpers/scripted-port';
import type { Db } from '../../src/main/store/sqlite';

const HOT = '6222021234567890';

let dataDir: string;
let db: Db;
let offline: OfflineStore;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-fwd-port-'));
  const keys = loadOrCreateTerminalKeys(dataDir, { kind: 'passphrase', secret: 'fwd-port-test' });
  db = openTerminalDb(dataDir);
  const store = new TxnStore(db, keys.dataKey, keys, 'T0000001', () => new Date());
  offline = new OfflineStore(db, keys.dataKey, store, OfflineConfig.parse({}), () => new Date());
});
afterEach(() => {
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const forwarderOver = (port: IssuerPort) =>
  new Forwarder({
    store: offline,
    port, // an IssuerPort is the forwarder's ForwardPort
    takeStan: () => db.transaction(() => takeStan(db))(),
    db,
    clock: () => new Date(),
    log: () => {},
    initiallyUp: false,
  });

describe('the forwarder over any issuer port', () => {
  it('probe and hot cards are typed commands; the typed list is applied', async () => {
    const port = new ScriptedPort((cmd) =>
      cmd.kind === 'hotcards'
        ? {
            kind: 'answer',
            answer: {
              result: 'approved',
              hotcards: { version: 3, full: true, add: [HOT], remove: [] },
              extra: {},
            },
          }
        : { kind: 'answer', answer: { result: 'approved', extra: {} } },
    );
    const f = forwarderOver(port);
    await f.tick();
    expect(port.sent.map((s) => [s.cmd.kind, s.attempts])).toEqual([
      ['echo', 1],
      ['hotcards', 1],
    ]);
    expect(port.sent[1]!.cmd).toMatchObject({ kind: 'hotcards', sinceVersion: 0 });
    expect(new Set(port.sent.map((s) => s.cmd.stan)).size).toBe(2); // each its own STAN
    expect(f.linkState()).toBe('online');
    expect(offline.hotcardsVersion()).toBe(3);
  });

  it('the port’s outcome decides the link: not sent → offline; refused (rejected) → still online, error noted', async () => {
    const down = new ScriptedPort(() => ({ kind: 'not-sent', detail: 'connection refused' }));
    const f = forwarderOver(down);
    await f.tick();
    expect(f.linkState()).toBe('offline');
    expect(down.sent.map((s) => s.cmd.kind)).toEqual(['echo']);

    const refusing = new ScriptedPort((cmd) =>
      cmd.kind === 'echo'
        ? { kind: 'answer', answer: { result: 'approved', extra: {} } }
        : { kind: 'unknown', failure: 'rejected', detail: 'HTTP 400 bad request' },
    );
    const g = forwarderOver(refusing);
    await g.tick();
    expect(g.linkState()).toBe('online');
    expect(offline.status().lastError).toContain('hotcards: HTTP 400 bad request');
  });
});
