/**
 * Boots one terminal: configuration, the embedded issuer in demo mode, keys and enrolment, the
 * SQLite store, the core, the devices, and the dispatcher both transports serve. Used by the web
 * host (bin/start.mjs), the Electron main process and the tests alike.
 */
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { loadConfig, issuerEntries, type TerminalConfig } from './config/config';
import { startIssuerSim, type IssuerSim } from '../issuer-sim/server';
import { resolveKeySecret, type KeySecret } from './keys/secret';
import { loadOrCreateTerminalKeys, type TerminalKeys } from './keys/terminal-keys';
import { HttpIssuerLink } from './issuer/http-link';
import { createIssuerRouter } from './issuer/create-router';
import { enrolTerminal } from './issuer/enrol';
import { unwrapReceiptKey } from './receipt/code';
import { createReceiptExtras } from './receipt/signed-receipt';
import { attachJournalHead } from './journal/head-keeper';
import { openTerminalDb } from './store/terminal-db';
import type { Db } from './store/sqlite';
import { TxnStore } from './terminal/txn-store';
import { OfflineStore } from '../offline-queue/store';
import { Forwarder } from '../offline-queue/forwarder';
import { OfflineConfig } from '../offline-queue/config';
import { Terminal } from './terminal/terminal';
import { Operators, DEMO_OPERATORS } from './auth/operators';
import { createOverrideChecker } from './auth/override';
import { createAudit, createShiftPieces } from './shift/wire';
import { TillSession } from './api/session';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { createHandlers } from './api/handlers';
import type { AppContext } from './api/context';
import type { DeviceHub } from './devices/device-hub';
import { createDeviceHub } from './devices/create-hub';
import { ReceiptPrinting } from './devices/receipt-printing';
import { createEventLog, type EventLog } from './log';
import { prepareDataDir } from './data-dir';
import { sm2Verifier, sm2Verify, sm2Warmup, fromHex } from './crypto';
import type { EventName, EventPayload, SessionInfo } from '../shared/contract';

export const VERSION = '0.1.0';

export interface AppOptions {
  dataDir: string;
  configFile?: string;
  /** Overrides for tests. */
  config?: Partial<TerminalConfig>;
  clock?: () => Date;
  devices?: DeviceHub;
  keySecret?: KeySecret;
  echoLog?: boolean;
  /** Period of the background loop (reversals, enrolment retry). */
  backgroundMs?: number;
  /** Period of the forwarder's loop (link probe when due, hot cards, advices); default 1000 ms. */
  forwardMs?: number;
}

export interface CardTillApp {
  dataDir: string;
  demo: boolean;
  config: TerminalConfig;
  dispatch: Dispatch;
  /** Core events for the transports: ('event', name, payload). */
  bus: EventEmitter<{ event: [EventName, unknown] }>;
  terminal: Terminal;
  keys: TerminalKeys;
  db: Db;
  issuerSim?: IssuerSim;
  link: HttpIssuerLink;
  devices: DeviceHub;
  log: EventLog;
  /** What handlers get; areas read their pieces from here. */
  ctx: AppContext;
  sessionInfo(): SessionInfo;
  close(): Promise<void>;
}

export async function startApp(o: AppOptions): Promise<CardTillApp> {
  const clock = o.clock ?? (() => new Date());
  const dataDirModes = prepareDataDir(o.dataDir); // 0700 / 0600: src/main/data-dir.ts
  const loaded = loadConfig(o.configFile);
  const config: TerminalConfig = { ...loaded.config, ...o.config } as TerminalConfig;
  const demo = loaded.demo && !o.config?.issuer?.url;
  const log = createEventLog(o.dataDir, clock, o.echoLog);
  const bus = new EventEmitter<{ event: [EventName, unknown] }>();
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>) => bus.emit('event', name, payload);

  let issuerSim: IssuerSim | undefined;
  // The home issuer: the single `issuer` block, or the first of `issuers`.
  let issuerUrl = config.issuers?.[0]?.url ?? config.issuer.url;
  let issuerPub = config.issuers?.[0]?.publicKey ?? config.issuer.publicKey;
  if (!issuerUrl) {
    issuerSim = await startIssuerSim({
      dataDir: path.join(o.dataDir, 'issuer-sim'),
      enrolToken: config.issuer.enrolToken,
      now: clock,
      log: (l) => log(`[issuer-sim] ${l}`),
    });
    issuerUrl = issuerSim.url;
    issuerPub = issuerSim.publicKeyHex;
  }

  sm2Warmup(); // the generator's comb table (~0.2 s) now, not on the first sale's signature
  const keys = loadOrCreateTerminalKeys(
    o.dataDir,
    o.keySecret ?? resolveKeySecret(o.dataDir, process.env, config.keyPassphraseEnv),
  );
  const link = new HttpIssuerLink({
    url: issuerUrl,
    signer: { keyId: `terminal:${config.terminalId}:${keys.keyVersion}`, sign: keys.sign },
    issuerVerifier: sm2Verifier(fromHex(issuerPub!)),
    timeoutMs: config.issuers?.[0]?.timeoutMs ?? config.issuer.timeoutMs,
    onAlert: (what) => log(`ALERT issuer answer rejected: ${what}`),
  });

  const db = openTerminalDb(o.dataDir);
  link.setHooks(attachJournalHead(db, { dataDir: o.dataDir, log, clock, keys })); // journal head outside the db, issuer ack, rollback block
  const store = new TxnStore(db, keys.dataKey, keys, config.terminalId, clock);
  const offline = new OfflineStore(db, keys.dataKey, store, OfflineConfig.parse(config.offline ?? {}), clock);
  let lastLink: string | undefined;
  const forwarder: Forwarder = new Forwarder({
    store: offline,
    link,
    db,
    terminalId: config.terminalId,
    merchantId: config.merchantId,
    clock,
    log,
    initiallyUp: false, // until an echo or a sale says otherwise
    onChange: () => {
      emit('queue.changed', forwarder.status());
      const now = forwarder.linkState();
      if (now !== lastLink) emit('link.changed', { link: (lastLink = now) });
    },
  });
  const router = createIssuerRouter({
    entries: issuerEntries(config, { url: issuerUrl, publicKey: issuerPub! }),
    homeLink: link,
    signer: { keyId: `terminal:${config.terminalId}:${keys.keyVersion}`, sign: keys.sign },
    terminalId: config.terminalId,
    merchantId: config.merchantId,
    clock,
    onAlert: (what) => log(`ALERT issuer answer rejected: ${what}`),
  });
  const terminal = new Terminal({
    store,
    link,
    router,
    terminalId: config.terminalId,
    merchantId: config.merchantId,
    merchantName: config.merchantName,
    receiptWidth: config.receipt.width,
    receiptExtras: createReceiptExtras(keys, config.terminalId, config.merchantId),
    // The manager whose override the audit log recorded for this STAN (void, refund).
    approverOf: (stan) => {
      const r = db
        .prepare(
          "SELECT approved_by FROM audit_log WHERE stan = ? AND action IN ('txn.void', 'txn.refund') AND approved_by IS NOT NULL ORDER BY id DESC LIMIT 1",
        )
        .get(stan) as { approved_by: string } | undefined;
      if (!r) return undefined;
      const m = operators.get(r.approved_by);
      return m ? `${m.name} (${m.id})` : r.approved_by;
    },
    maxAttempts: config.issuer.attempts,
    clock,
    log,
    offline,
    onLink: (up, detail) => forwarder.noteLink(up, detail),
  });
  const operators = new Operators(
    db,
    { maxAttempts: config.auth.maxPinAttempts, lockSeconds: config.auth.lockSeconds },
    clock,
  );
  if (demo) operators.seedIfEmpty(DEMO_OPERATORS);

  const session = new TillSession(
    () => clock().getTime(),
    config.auth.idleSignOutSeconds,
    () => emit('session.changed', sessionInfo()),
  );
  const sessionInfo = (): SessionInfo => ({
    terminalId: config.terminalId,
    merchantId: config.merchantId,
    merchantName: config.merchantName,
    timeZone: config.timeZone,
    demo,
    version: VERSION,
    operator: session.current(),
    link: forwarder.linkState(),
    idleSignOutSeconds: config.auth.idleSignOutSeconds,
  });

  // Enrolment: first run, or a key the issuer has not acknowledged yet.
  const enrolledKey = () =>
    (
      db.prepare("SELECT value FROM meta WHERE key = 'enrolled_key_version'").get() as
        { value: string } | undefined
    )?.value;
  async function ensureEnrolled(): Promise<void> {
    if (enrolledKey() === String(keys.keyVersion) && keys.receiptKey) return;
    const issuerVerifier = { verify: (m: Uint8Array, s: Uint8Array) => sm2Verify(fromHex(issuerPub!), m, s) };
    const answer = await enrolTerminal({
      url: issuerUrl!,
      terminalId: config.terminalId,
      merchantId: config.merchantId,
      enrolToken: config.issuer.enrolToken,
      enrolledKeyVersion: enrolledKey() === undefined ? undefined : Number(enrolledKey()),
      keys,
      timeoutMs: config.issuer.timeoutMs,
      now: clock,
      issuerVerifier,
    });
    // The receipt key K_r (verification codes), sealed by the issuer under the enrolment token.
    if (answer.receiptKey)
      keys.setReceiptKey(unwrapReceiptKey(answer.receiptKey, config.issuer.enrolToken, config.terminalId));
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('enrolled_key_version', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(String(keys.keyVersion));
    log(`terminal key v${keys.keyVersion} enrolled with the issuer`);
  }
  try {
    await ensureEnrolled();
  } catch (e) {
    log(`enrolment pending: ${(e as Error).message}`);
  }

  const devices = o.devices ?? (await createDeviceHub(config, demo, log, clock, o.dataDir));
  devices.onEvent((e) => {
    if (e.type === 'card') terminal.present(e.card, e.deviceId);
    else if (e.type === 'receipt') emit('receipt.scanned', { deviceId: e.deviceId, text: e.text });
    else if (e.type === 'error') {
      log(`device ${e.deviceId}: ${e.code}${e.detail ? ` ${e.detail}` : ''}`);
      emit('device.error', { deviceId: e.deviceId, code: e.code });
    } else log(`device ${e.deviceId}: ${e.state}${e.detail ? ` ${e.detail}` : ''}`);
    // Every event changes a device's state or last event (technician's screen).
    emit('devices.changed', devices.list());
  });
  const printing = new ReceiptPrinting(devices, (note) => emit('printer.job', note), log);
  log.onLine((line) => emit('log.line', { line }));
  await devices.start();

  terminal.on('card.presented', (c) => emit('card.presented', c));
  terminal.on('card.cleared', () => emit('card.cleared', {}));
  terminal.on('txn.updated', (t) => emit('txn.updated', t));

  const recovered = terminal.recoverPending();
  if (recovered) log(`recovered ${recovered} unfinished transaction(s) from the last run`);

  // Audit: every PIN check and every granted override (src/main/audit); then shifts, void/refund.
  const audit = createAudit(db, clock, () => session.current(), operators);
  session.onSignOut = (op, reason) => {
    // An idle sign-out takes the presented card with it: the next operator starts clean (issue 11 #11).
    if (reason === 'idle') terminal.clearCard();
    audit.record({ action: 'auth.signOut', operatorId: op.id, operatorRole: op.role, detail: reason });
  };
  const overrides = createOverrideChecker(operators, (g) => {
    log(`override ${g.action} granted by ${g.manager.id}${g.stan ? ` for stan ${g.stan}` : ''}`);
    audit.record({ action: `override.${g.action}`, approvedBy: g.manager.id, stan: g.stan, detail: g.note });
  });
  const { shifts, voidRefund } = createShiftPieces({
    db,
    config,
    keys,
    link,
    store,
    terminal,
    overrides,
    audit,
    clock,
    log,
    offline: { store: offline, forwarder },
  });
  terminal.useOverrides(overrides);
  const ctx: AppContext = {
    dataDir: o.dataDir,
    demo,
    config,
    db,
    keys,
    terminal,
    operators,
    overrides,
    audit,
    shifts,
    voidRefund,
    session,
    devices,
    printing,
    link,
    offline: { store: offline, forwarder },
    log,
    clock,
    sessionInfo,
    emit,
  };
  const dispatch = createDispatcher({ handlers: createHandlers(ctx), session, demo, log });

  // Background: enrolment retry, queued reversals, idle sign-out.
  let stopped = false;
  let running = false;
  const tick = async () => {
    if (stopped || running) return;
    running = true;
    try {
      if (!link.isCut()) {
        await ensureEnrolled();
        terminal.recoverStale(); // a failed finalize, or a row pending past the bound: reversal queued
        await terminal.sendReversals();
      }
      session.current();
    } catch (e) {
      log(`background: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), o.backgroundMs ?? 5000);
  timer.unref();
  void tick();
  // Store-and-forward: probes the link while it is down, uploads advices once it is up.
  const forwardTimer = setInterval(() => void forwarder.tick(), o.forwardMs ?? 1000);
  forwardTimer.unref();
  void forwarder.tick();

  dataDirModes.seal(log); // what this start created (db, -wal, -shm, issuer-sim/) private too
  log(
    `CardTill ${VERSION} started: terminal ${config.terminalId}, ${demo ? 'demo mode' : `issuer ${issuerUrl}`}, data ${o.dataDir}`,
  );

  return {
    dataDir: o.dataDir,
    demo,
    config,
    dispatch,
    bus,
    terminal,
    keys,
    db,
    issuerSim,
    link,
    devices,
    log,
    ctx,
    sessionInfo,
    async close() {
      stopped = true;
      clearInterval(timer);
      clearInterval(forwardTimer);
      forwarder.stop();
      await devices.stop();
      link.close();
      router.close();
      await forwarder.idle();
      db.close();
      await issuerSim?.close();
    },
  };
}
