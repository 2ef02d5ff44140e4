/**
 * Boots one terminal for a host: configuration, the embedded issuer in demo mode, the terminal's
 * keys from their sealed files, then the one composition of the core (./core.ts). Used by the web
 * host (bin/start.mjs), the Electron main process and the tests alike.
 */
import path from 'node:path';
import { issuerEntries, loadConfig, type TerminalConfig } from './config/config';
import { removeDemoIssuers, writeDemoIssuers } from './demo-issuers-file';
import { startIssuerSim, type IssuerSim } from '../issuer-sim/server';
import { startDemoIsoIssuer, type DemoIsoIssuer } from './demo-iso-issuer';
import { resolveKeySecret, type KeySecret } from './keys/secret';
import { loadOrCreateTerminalKeys } from './keys/terminal-keys';
import type { DeviceHub } from './devices/device-hub';
import { createEventLog } from './log';
import { prepareDataDir } from './data-dir';
import { sm2Warmup } from '../shared/crypto';
import { createCore, VERSION, type CardTillCore } from './core';

export { VERSION };

export interface AppOptions {
  dataDir: string;
  configFile?: string;
  /** Overrides for tests. */
  config?: Partial<TerminalConfig>;
  clock?: () => Date;
  devices?: DeviceHub;
  keySecret?: KeySecret;
  echoLog?: boolean;
  /** Period of the background jobs (reversals, settlement, enrolment retry). */
  backgroundMs?: number;
  /** Period of the forwarder's loop (link probe when due, hot cards, advices); default 1000 ms. */
  forwardMs?: number;
  /**
   * Demo mode's second issuer, the simulator's ISO 8583 face (default on). The test helper turns
   * it off unless a test asks for it, so single-issuer tests see the one demo issuer they expect.
   */
  demoIsoIssuer?: boolean;
}

export interface CardTillApp extends CardTillCore {
  issuerSim?: IssuerSim;
  /** Demo mode's second issuer: the simulator's ISO 8583 face on the same ledger. */
  isoSim?: DemoIsoIssuer['sim'];
}

export async function startApp(o: AppOptions): Promise<CardTillApp> {
  const clock = o.clock ?? (() => new Date());
  const dataDirModes = prepareDataDir(o.dataDir); // 0700 / 0600: src/main/data-dir.ts
  const loaded = loadConfig(o.configFile);
  let config: TerminalConfig = { ...loaded.config, ...o.config } as TerminalConfig;
  const demo = loaded.demo && !o.config?.issuer?.url;
  const log = createEventLog(o.dataDir, clock, o.echoLog);

  // The demo issuer is the host's to start and stop; the core only gets its address and key.
  let issuerSim: IssuerSim | undefined;
  // The home link: the single `issuer` block, or the first `cardtill-json` entry of `issuers`.
  const firstJson = config.issuers?.find((e) => e.protocol === 'cardtill-json');
  let issuer = {
    url: firstJson?.url ?? config.issuer.url ?? '',
    publicKey: firstJson?.publicKey ?? config.issuer.publicKey ?? '',
  };
  if (!issuer.url) {
    issuerSim = await startIssuerSim({
      dataDir: path.join(o.dataDir, 'issuer-sim'),
      enrolToken: config.issuer.enrolToken,
      now: clock,
      log: (l) => log(`[issuer-sim] ${l}`),
    });
    issuer = { url: issuerSim.url, publicKey: issuerSim.publicKeyHex };
  }

  sm2Warmup(); // the generator's comb table (~0.2 s) now, not on the first sale's signature
  const keys = loadOrCreateTerminalKeys(
    o.dataDir,
    o.keySecret ?? resolveKeySecret(o.dataDir, process.env, config.keyPassphraseEnv),
  );
  // Demo mode shows two issuers: the JSON face for every card, and the ISO 8583 face on the same
  // ledger for its own card range (src/main/demo-iso-issuer.ts). A test's own `issuers` stay as given.
  let iso: DemoIsoIssuer | undefined;
  if (issuerSim && !config.issuers && o.demoIsoIssuer !== false) {
    try {
      iso = await startDemoIsoIssuer({
        dataDir: o.dataDir,
        dataKey: keys.dataKey,
        ledger: issuerSim.ledger,
        config,
        home: issuer,
        clock,
        log,
      });
    } catch (e) {
      await issuerSim.close();
      throw e;
    }
    config = { ...config, issuers: iso.entries };
  }
  let core: CardTillCore;
  try {
    core = await createCore({
      dataDir: o.dataDir,
      config,
      demo,
      keys,
      issuer,
      log,
      clock,
      devices: o.devices,
      backgroundMs: o.backgroundMs,
      forwardMs: o.forwardMs,
    });
  } catch (e) {
    await iso?.sim.close();
    await issuerSim?.close();
    throw e;
  }
  // Demo: where the simulator's faces listen, for `cardtill issuers` (src/main/demo-issuers-file.ts).
  if (issuerSim) writeDemoIssuers(o.dataDir, issuerEntries(config, issuer));
  dataDirModes.seal(log); // what this start created (db, -wal, -shm, issuer-sim/) private too
  log(
    `CardTill ${VERSION} started: terminal ${config.terminalId}, ${demo ? 'demo mode' : `issuer ${issuer.url}`}, data ${o.dataDir}`,
  );
  const closeCore = core.close;
  return Object.assign(core, {
    issuerSim,
    isoSim: iso?.sim,
    async close() {
      if (issuerSim) removeDemoIssuers(o.dataDir);
      await closeCore();
      await iso?.sim.close();
      await issuerSim?.close();
    },
  });
}
