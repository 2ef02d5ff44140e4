/**
 * The one composition of the terminal core: SQLite store, issuer link, terminal, offline queue
 * and forwarder, operators and session, audit, shifts, void/refund, the persistent job queue
 * (reversals, advices, settlement, enrolment), the dispatcher, the background timers and
 * `close()`. Built once, the same way, by every host: `app.ts` (web host, Electron, the tests),
 * and the fault tests' child processes (test/fault/core.ts) — so the crash loop runs the app's
 * own timers, ShiftService and close().
 *
 * What the hosts decide is handed in: the configuration, the terminal's keys (loaded from the
 * scrypt-sealed files by app.ts; from hex in the fault tests), the issuer as `{url, publicKey}`
 * (the demo simulator is started by the host, never here), the devices, the clock.
 */
import { EventEmitter } from 'node:events';
import { DEFAULT_ISSUER_ID, issuerEntries, type TerminalConfig } from './config/config';
import type { TerminalKeys } from './keys/terminal-keys';
import { HttpIssuerLink } from './issuer/http-link';
import { createIssuerRouter } from './issuer/create-router';
import { createCardHold } from './issuer/failover-hold';
import { unwrapReceiptKey } from '../shared/receipt-code';
import { unwrapPinKey } from '../shared/pin-key';
import { createReceiptExtras } from './receipt/signed-receipt';
import { attachJournalHead } from './journal/head-keeper';
import { openTerminalDb, takeStan } from './store/terminal-db';
import type { Db } from '../shared/store/sqlite';
import { TxnStore } from './terminal/txn-store';
import { OfflineStore } from '../offline-queue/store';
import { Forwarder } from '../offline-queue/forwarder';
import { OfflineConfig } from '../offline-queue/config';
import { OfflineLanes } from '../offline-queue/lanes';
import { issuerScope } from '../offline-queue/scope';
import { Terminal } from './terminal/terminal';
import { CardBuyers } from './terminal/card-buyer';
import { CardReceipts } from './terminal/card-receipt';
import { Operators, DEMO_OPERATORS } from './auth/operators';
import { createOverrideChecker } from './auth/override';
import { createAudit, createShiftPieces } from './shift/wire';
import type { ShiftService } from './shift/shift-service';
import { TillSession } from './api/session';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { createHandlers } from './api/handlers';
import type { AppContext } from './api/context';
import type { DeviceHub } from './devices/device-hub';
import { createDeviceHub } from './devices/create-hub';
import { ReceiptPrinting } from './devices/receipt-printing';
import type { EventLog } from './log';
import { sm2Verifier, fromHex } from '../shared/crypto';
import { JobQueue } from './jobs/queue';
import { reversalKind } from './jobs/reversal-job';
import { adviceKind } from './jobs/advice-job';
import { settlementKind } from './jobs/settlement-job';
import { enrolmentKind } from './jobs/enrolment-job';
import { fileBatchKind } from './jobs/file-batch-job';
import { ENROLLING_PROTOCOLS, enrolmentState, recordSignOn } from './jobs/enrolment-state';
import type { EventName, EventPayload, LinkState, SessionInfo } from '../shared/contract';
import { TXN_KINDS } from '../shared/txn-kinds';
import { SqliteGreyStore } from './terminal/grey-store';
import { ChipPayments } from './terminal/chip-purchase';
import { isChipReader, isPsam } from '../drivers/types';

/** The audit actions of the kinds a manager allows (void, refund, cash-out, …): their receipts name the approver. */
const OVERRIDDEN_AUDIT = TXN_KINDS.list
  .filter((k) => k.override !== null)
  .map((k) => `'${k.audit}'`)
  .join(', ');

export const VERSION = '0.1.0';

/** Checks the issuer's signatures; the fault tests hand in a cheaper one with the same answers. */
export interface IssuerVerifier {
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

export interface CoreDeps {
  dataDir: string;
  config: TerminalConfig;
  demo: boolean;
  keys: TerminalKeys;
  /** The issuer host (real, or the simulator the host started). */
  issuer: { url: string; publicKey: string; verifier?: IssuerVerifier };
  log: EventLog;
  clock?: () => Date;
  /** Built from the config when absent. */
  devices?: DeviceHub;
  /** Period of the background jobs (reversals, settlement, enrolment); default 5000 ms. */
  backgroundMs?: number;
  /** Period of the advice job (link probe when due, hot cards, advices); default 1000 ms. */
  forwardMs?: number;
  /** [0,1) for the retry jitter; injectable for tests. */
  random?: () => number;
}

export interface CardTillCore {
  dataDir: string;
  demo: boolean;
  config: TerminalConfig;
  dispatch: Dispatch;
  /** Core events for the transports: ('event', name, payload). */
  bus: EventEmitter<{ event: [EventName, unknown] }>;
  terminal: Terminal;
  keys: TerminalKeys;
  db: Db;
  link: HttpIssuerLink;
  devices: DeviceHub;
  log: EventLog;
  jobs: JobQueue;
  /** What handlers get; areas read their pieces from here. */
  ctx: AppContext;
  sessionInfo(): SessionInfo;
  /** Stops the timers and the queue, waits for the job in flight, then closes the link and the database. */
  close(): Promise<void>;
}

export async function createCore(d: CoreDeps): Promise<CardTillCore> {
  const clock = d.clock ?? (() => new Date());
  const { config, keys, log, demo } = d;
  const bus = new EventEmitter<{ event: [EventName, unknown] }>();
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>) => bus.emit('event', name, payload);
  const issuerVerifier = d.issuer.verifier ?? sm2Verifier(fromHex(d.issuer.publicKey));

  const link = new HttpIssuerLink({
    url: d.issuer.url,
    signer: { keyId: `terminal:${config.terminalId}:${keys.keyVersion}`, sign: keys.sign },
    issuerVerifier,
    timeoutMs: config.issuers?.[0]?.timeoutMs ?? config.issuer.timeoutMs,
    onAlert: (what) => log(`ALERT issuer answer rejected: ${what}`),
  });
  const db = openTerminalDb(d.dataDir);
  // Card → issuer entry, each with its port (src/main/issuer/router.ts); the first is the home link.
  const entryConfigs = issuerEntries(config, { url: d.issuer.url, publicKey: d.issuer.publicKey });
  const router = createIssuerRouter({
    entries: entryConfigs,
    homeLink: link,
    homeVerifier: issuerVerifier,
    signer: { keyId: `terminal:${config.terminalId}:${keys.keyVersion}`, sign: keys.sign },
    terminalId: config.terminalId,
    merchantId: config.merchantId,
    clock,
    onAlert: (what) => log(`ALERT issuer answer rejected: ${what}`),
    // An iso8583-cup entry: its sealed TMK under the data key, its batch and sent requests in db.
    iso: { dataDir: d.dataDir, dataKey: keys.dataKey, db, log },
    // Primary + backup (src/main/issuer/failover.ts): the probe echo takes a STAN; back on a
    // primary, the reversals waiting for it go now, not at the end of their backoff.
    takeStan: () => db.transaction(() => takeStan(db))(),
    log,
    onSwitch: (_id, to) => {
      if (to === 'primary') void jobs.run(['reversal'], true);
    },
  });
  // The journal head outside the database, the issuer's acknowledgement of it in echo and settle,
  // and the rollback block (src/main/journal/head-keeper.ts); on the home backup's link too.
  const headHooks = attachJournalHead(db, { dataDir: d.dataDir, log, clock, keys });
  link.setHooks(headHooks);
  router.setHomeHooks(headHooks);
  const store = new TxnStore(db, keys.dataKey, keys, config.terminalId, clock);
  // One job queue for everything the terminal owes the issuer in the background (src/main/jobs);
  // its kinds are registered below. The settlement job reads the shift service, built later.
  const late: { shifts?: ShiftService } = {};
  const jobs = new JobQueue({
    db,
    clock,
    log,
    random: d.random,
    onChange: () => emit('queue.changed', lanes.status()),
  });
  // Store-and-forward per issuer entry (src/offline-queue/lanes.ts): each its own queue, hot-card
  // list, limits (the entry's `offline` over the top-level block) and forwarder through its port.
  const offlineBase = OfflineConfig.parse(config.offline ?? {});
  const takeForwardStan = () => db.transaction(() => takeStan(db))();
  const lastLinks = new Map<string, LinkState>();
  let lastLink: LinkState | undefined;
  const onLaneChange = () => {
    emit('queue.changed', lanes.status());
    // An issuer's link is back: what waited for it goes now, not at the end of its backoff.
    let back = false;
    for (const l of lanes.list()) {
      const now = l.forwarder.linkState();
      const was = lastLinks.get(l.issuerId);
      if (now === 'online' && was !== undefined && was !== 'online') back = true;
      lastLinks.set(l.issuerId, now);
    }
    if (back) void jobs.run(['reversal', 'settlement'], true);
    const now = lanes.linkState();
    if (now !== lastLink) emit('link.changed', { link: (lastLink = now) });
  };
  const lanes: OfflineLanes = new OfflineLanes(
    db,
    router.entries().map((e, i) => {
      const own = entryConfigs.find((c) => c.id === e.id)?.offline ?? {};
      const laneStore = new OfflineStore(
        db,
        keys.dataKey,
        store,
        OfflineConfig.parse({ ...offlineBase, ...own }),
        clock,
        issuerScope(e.id, i === 0),
      );
      const forwarder = new Forwarder({
        store: laneStore,
        // This issuer's store-and-forward goes through its own port (Echo, Hotcards, Advice).
        port: e.port,
        takeStan: takeForwardStan,
        db,
        clock,
        log,
        random: d.random,
        initiallyUp: false, // until an echo or a sale says otherwise
        onChange: onLaneChange,
      });
      return { issuerId: e.id, name: e.name, protocol: e.port.protocol, store: laneStore, forwarder };
    }),
    clock,
  );
  const offline = lanes.home.store;
  const forwarder = lanes.home.forwarder;
  const terminal = new Terminal({
    store,
    link,
    router,
    terminalId: config.terminalId,
    merchantId: config.merchantId,
    merchantName: config.merchantName,
    receiptWidth: config.receipt.width,
    receiptExtras: createReceiptExtras(keys, config.terminalId, config.merchantId),
    cardReceipts: new CardReceipts({
      db,
      buyers: new CardBuyers(db, keys.dataKey, clock),
      openCommand: (sealed) => store.openCommand(sealed),
      now: clock,
    }),
    // The manager whose override the audit log recorded for this STAN (void, refund).
    approverOf: (stan) => {
      const r = db
        .prepare(
          `SELECT approved_by FROM audit_log WHERE stan = ? AND action IN (${OVERRIDDEN_AUDIT}) AND approved_by IS NOT NULL ORDER BY id DESC LIMIT 1`,
        )
        .get(stan) as { approved_by: string } | undefined;
      if (!r) return undefined;
      const m = operators.get(r.approved_by);
      return m ? `${m.name} (${m.id})` : r.approved_by;
    },
    maxAttempts: config.issuer.attempts,
    pinKey: () => keys.pinKey,
    clock,
    log,
    offline,
    offlineFor: (issuerId) => lanes.of(issuerId).store,
    onLink: (up, detail, issuerId) => lanes.of(issuerId).forwarder.noteLink(up, detail),
    // A debit on a card whose lost debit's reversal waits for its host (failover rules).
    cardHold: createCardHold({ db, router, openPan: (b) => store.openPan(b) }),
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
    link: lanes.linkState(),
    idleSignOutSeconds: config.auth.idleSignOutSeconds,
  });

  // Enrolment with every issuer entry whose protocol enrols terminals (cardtill-json), each on
  // its own: first run, or a key that issuer has not acknowledged yet (run by the enrolment job).
  // Only the home issuer's answer carries the receipt key the terminal's receipts are coded with.
  const enrolling = router
    .entries()
    .filter((e) => ENROLLING_PROTOCOLS.has(e.port.protocol))
    .map((e) => e.id);
  const isHome = (issuerId: string) => issuerId === router.home.id;
  // The home issuer's PIN key (card passwords) came later than K_r: a terminal enrolled without
  // it asks again (the same key version with the token is answered again, now with it).
  const enrolled = (issuerId: string) =>
    enrolmentState(db, issuerId, isHome(issuerId)).keyVersion === keys.keyVersion &&
    (!isHome(issuerId) || (!!keys.receiptKey && !!keys.pinKey));
  async function enrol(issuerId: string): Promise<void> {
    // Key exchange is the adapter's: the entry's port signs on (cardtill-json: `enrol`).
    const entry = router.byId(issuerId);
    const home = isHome(issuerId);
    const token = entryConfigs.find((c) => c.id === issuerId)?.enrolToken ?? config.issuer.enrolToken;
    const known = enrolmentState(db, issuerId, home).keyVersion;
    const answer = await entry.port.signOn({
      keys,
      enrolToken: token,
      ...(known !== undefined ? { enrolledKeyVersion: known } : {}),
    });
    // The receipt key K_r (verification codes), sealed by the issuer under the enrolment token.
    if (home && answer.receiptKey)
      keys.setReceiptKey(unwrapReceiptKey(answer.receiptKey, token, config.terminalId));
    // The PIN key K_pin (cardholder password blocks), sealed the same way (src/shared/pin-key.ts).
    if (home && answer.pinKey) keys.setPinKey(unwrapPinKey(answer.pinKey, token, config.terminalId));
    recordSignOn(db, issuerId, home, keys.keyVersion, clock());
    log(`terminal key v${keys.keyVersion} enrolled with the issuer${home ? '' : ` ${issuerId}`}`);
  }

  jobs.register(
    enrolmentKind({ keyVersion: () => keys.keyVersion, issuers: () => enrolling, enrolled, enrol }),
  );
  jobs.register(reversalKind({ db, store, router, log }));
  jobs.register(settlementKind({ db, shifts: () => late.shifts }));
  jobs.register(adviceKind({ lanes }));
  // File-batch issuers: their files move through this kind, which also attaches their adapters
  // (with the top-level offline limits their own `offline` block goes over).
  jobs.register(
    fileBatchKind({
      router,
      db,
      keys,
      terminalId: config.terminalId,
      openPan: (s) => store.openPan(s),
      offlineBase,
      clock,
      log,
      onChange: (s) => emit('fileBatch.changed', s),
    }),
  );
  // Before the first sale; the job retries any that fails, with backoff.
  await Promise.all(
    enrolling
      .filter((id) => !enrolled(id))
      .map((id) =>
        enrol(id).catch((e: unknown) =>
          log(`enrolment pending${isHome(id) ? '' : ` (${id})`}: ${(e as Error).message}`),
        ),
      ),
  );

  const devices = d.devices ?? (await createDeviceHub(config, demo, log, clock, d.dataDir));
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

  // PBOC e-purse (issue 14): sales paid on the chip with the PSAM device; torn ones settled from
  // the grey records in SQLite. In demo mode the embedded issuer is an e-purse issuer.
  const epurseIds = new Set(
    issuerEntries(config, { url: d.issuer.url, publicKey: d.issuer.publicKey })
      .filter((e) => e.epurse === true)
      .map((e) => e.id),
  );
  const chip = new ChipPayments({
    terminal,
    grey: new SqliteGreyStore(db, keys.dataKey, clock),
    devices: {
      card: (id) => {
        const reader = id ? devices.get(id) : undefined;
        return isChipReader(reader) ? reader.chipChannel() : undefined;
      },
      psam: () => {
        for (const info of devices.list()) {
          const p = info.kind === 'psam' ? devices.get(info.id) : undefined;
          const ch = isPsam(p) ? p.channel() : undefined;
          if (ch) return ch;
        }
        return undefined;
      },
    },
    epurseIssuer: (pan) => {
      const e = router.route(pan);
      return !!e && (epurseIds.has(e.id) || (demo && e.id === DEFAULT_ISSUER_ID));
    },
    timeZone: config.timeZone,
    terminalNumber: () => {
      for (const info of devices.list()) {
        const p = info.kind === 'psam' ? devices.get(info.id) : undefined;
        const tn = isPsam(p) ? p.status().terminalNumber : undefined;
        if (tn) return tn;
      }
      return undefined;
    },
    clock,
    log,
    audit,
  });
  const chipRecovered = chip.recover();
  if (chipRecovered) log(`settled ${chipRecovered} chip transaction(s) from their grey records`);
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
    store,
    terminal,
    overrides,
    audit,
    clock,
    log,
    offline: { store: offline, forwardNow: () => lanes.forwardNow() },
  });
  late.shifts = shifts;
  terminal.useOverrides(overrides);
  const ctx: AppContext = {
    dataDir: d.dataDir,
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
    offline: { store: offline, forwarder, lanes },
    router,
    issuerUrl: d.issuer.url,
    jobs,
    chip,
    log,
    clock,
    sessionInfo,
    emit,
  };
  const dispatch = createDispatcher({ handlers: createHandlers(ctx), session, demo, log });

  // Background: the job queue's kinds on two periods, and the idle sign-out check. The advice
  // job first: its link probe at start tells the screens whether the issuer is there.
  const forwardTimer = setInterval(() => void jobs.run(['advice']), d.forwardMs ?? 1000);
  forwardTimer.unref();
  void jobs.run(['advice']);
  const background = () => {
    session.current();
    if (link.isCut()) return;
    terminal.recoverStale(); // a failed finalize, or a row pending past the bound: reversal queued
    void jobs.run(['enrolment', 'reversal', 'settlement', 'filebatch']);
  };
  const timer = setInterval(background, d.backgroundMs ?? 5000);
  timer.unref();
  background();

  let closing: Promise<void> | undefined;
  return {
    dataDir: d.dataDir,
    demo,
    config,
    dispatch,
    bus,
    terminal,
    keys,
    db,
    link,
    devices,
    log,
    jobs,
    ctx,
    sessionInfo,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer);
        clearInterval(forwardTimer);
        // No new job, no new upload; the ones in flight finish against an open database.
        jobs.stop();
        lanes.stop();
        await devices.stop();
        await jobs.idle();
        await lanes.idle();
        link.close();
        router.close();
        db.close();
      })()),
  };
}
