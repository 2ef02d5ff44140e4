/**
 * The PC/SC reader driver: nfc-pcsc for reader and card presence, our own codec for the APDUs
 * (nfc-pcsc's auto-processing only SELECTs; we switch it off and run stored-value-app.ts).
 *
 * Hot-plug: nfc-pcsc reports a reader that comes back while pcscd keeps running, but when pcscd
 * itself goes (or restarts) its PC/SC context dies: every reader 'end's, the NFC object emits
 * 'error' and never reports readers again. We then drop that NFC object, probe pcscd's socket
 * every retryMs and build a new one when the daemon is back — no restart of the app needed.
 */
import type { ApduChannel, ChipReader } from '../types';
import { toHex } from './apdu';
import { DeviceHub } from './device-hub';
import { IcError, PCSC_UNAVAILABLE } from './errors';
import {
  classifyTransportError,
  entryModeForReader,
  errorText,
  isNotTransacted,
  loadNfcPcsc,
  nfcLogger,
  probePcscd,
  repowerCard,
  type NfcLike,
  type NfcReaderLike,
} from './pcsc-stack';
import { DEMO_AID, panFromSerial, readStoredValueCard, readUid, type Transmit } from './stored-value-app';
import { readEpurse } from './epurse/flow';

export interface PcscReaderConfig {
  id: string;
  /** PC/SC reader name; '*' = any reader. Otherwise an exact name or a case-insensitive part of one. */
  readerName: string;
  /** Application AID, hex. Default: the demo issuer's A000000333435401. */
  aid?: string;
}

export interface PcscReaderOptions {
  log?: (s: string) => void;
  /** How often to look for pcscd again after it went away. Default 1000 ms. */
  retryMs?: number;
  /** Per-APDU timeout. Default 5000 ms. */
  apduTimeoutMs?: number;
  now?: () => number;
}

export function readerMatches(pattern: string, name: string): boolean {
  return pattern === '*' || pattern === name || name.toLowerCase().includes(pattern.toLowerCase());
}

export function createPcscReader(cfg: PcscReaderConfig, opts: PcscReaderOptions = {}): ChipReader {
  const log = opts.log ?? (() => {});
  const retryMs = opts.retryMs ?? 1000;
  const apduTimeoutMs = opts.apduTimeoutMs ?? 5000;
  const aid = (cfg.aid ?? DEMO_AID).toUpperCase();
  const hub = new DeviceHub(
    { id: cfg.id, kind: 'ic', transport: 'pcsc', path: cfg.readerName, simulated: false },
    'disconnected',
    opts.now,
  );

  let stopped = true;
  let nfc: NfcLike | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let everSawReader = false;
  const readers = new Map<string, NfcReaderLike>();
  const reading = new Map<string, Promise<void>>();

  function scheduleRetry(): void {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void openStack();
    }, retryMs);
  }

  async function openStack(): Promise<void> {
    if (stopped || nfc) return;
    const mod = await loadNfcPcsc();
    if (stopped) return;
    if (!mod) {
      // The native stack is not installed: retrying cannot help until the app is reinstalled.
      hub.setState('unavailable', PCSC_UNAVAILABLE);
      hub.error('DEVICE_UNAVAILABLE', PCSC_UNAVAILABLE);
      return;
    }
    if (!(await probePcscd())) {
      if (stopped) return;
      if (everSawReader) hub.setState('disconnected', 'pcscd 未运行 / pcscd not running');
      else hub.setState('unavailable', PCSC_UNAVAILABLE);
      scheduleRetry();
      return;
    }
    if (stopped || nfc) return;
    let created: NfcLike;
    try {
      created = new mod.NFC(nfcLogger(log));
    } catch (e) {
      log(`pcsc: cannot open context: ${errorText(e)}`);
      hub.setState('unavailable', PCSC_UNAVAILABLE);
      scheduleRetry();
      return;
    }
    nfc = created;
    hub.setState('disconnected', `等待读卡器 / waiting for reader "${cfg.readerName}"`);
    created.on('reader', (r) => attach(created, r));
    created.on('error', (e) => {
      // The PC/SC context is gone (pcscd stopped or restarted). Start over with a new context.
      log(`pcsc: context error: ${errorText(e)}`);
      dropStack(created);
      readerLost('pcscd 连接中断 / lost pcscd');
      scheduleRetry();
    });
  }

  function dropStack(which: NfcLike): void {
    if (nfc !== which) return;
    nfc = undefined;
    for (const r of readers.values()) safeClose(r);
    readers.clear();
    try {
      which.close();
    } catch {
      // already closed by the dying context
    }
  }

  function attach(owner: NfcLike, r: NfcReaderLike): void {
    // Every reader needs an 'error' listener, even one we ignore: nfc-pcsc re-emits the native
    // reader's errors (e.g. when pcscd dies) and an unheard 'error' would crash the process.
    r.on('error', (e) => log(`pcsc: reader ${r.name}: ${errorText(e)}`));
    r.autoProcessing = false;
    if (nfc !== owner || !readerMatches(cfg.readerName, r.name)) return;
    readers.set(r.name, r);
    everSawReader = true;
    log(`pcsc: reader attached: ${r.name}`);
    hub.setState('connected', r.name);
    r.on('card', (card) => onCard(r, card.atr));
    // An e-purse card handed to a chip purchase is usable only while it stays in the field.
    r.on('card.off', () => {
      if (field?.reader === r) field = undefined;
      nextCard.delete(r.name); // a card queued behind a read has left again
    });
    r.on('end', () => {
      if (readers.get(r.name) !== r) return;
      readers.delete(r.name);
      log(`pcsc: reader removed: ${r.name}`);
      if (readers.size === 0) readerLost(`读卡器已断开 / reader removed: ${r.name}`);
    });
  }

  function readerLost(detail: string): void {
    if (stopped || readers.size > 0 || hub.state !== 'connected') return;
    hub.error('READER_GONE', detail);
    hub.setState('disconnected', detail);
  }

  /** The PBOC e-purse card now in a reader's field (a chip purchase talks to it through here). */
  let field: { reader: NfcReaderLike; channel: ApduChannel } | undefined;

  /**
   * A card without the stored-value application may carry a PBOC e-purse (src/drivers/ic/epurse):
   * read its public info and balance and keep it for a chip purchase while it is in the field.
   */
  async function readEpurseCard(
    r: NfcReaderLike,
    transmit: Transmit,
    entryMode: ReturnType<typeof entryModeForReader>,
    atr: string | undefined,
  ): Promise<boolean> {
    let read;
    try {
      read = await readEpurse((_to, apdu) => transmit(apdu));
    } catch {
      return false; // neither application: the stored-value error stands
    }
    const pan = panFromSerial(read.info.appSerial);
    if (!pan) return false;
    // A torn command through pcscd answers 0 bytes: the chip flow treats it as the card gone.
    field = { reader: r, channel: (apdu) => transmit(apdu).catch(() => new Uint8Array(0)) };
    hub.card({
      pan,
      entryMode,
      expiry: read.info.endDate.slice(2, 6),
      chipBalanceFen: read.balanceFen,
      epurse: true,
      ...(atr ? { atr } : {}),
    });
    return true;
  }

  /**
   * A card that arrives while the reader's previous card is still being read is read right after
   * it, not dropped: nfc-pcsc reports each insertion once, so a dropped event is a card the
   * cashier taps in vain. This was the "first card after a pcscd restart is not reported" fault:
   * the new PC/SC context first shows the card removed just before pcscd went (pcscd had not
   * polled its removal yet), its read fails, and the real card came while that read still ran.
   */
  const nextCard = new Map<string, Buffer | undefined>();
  function onCard(r: NfcReaderLike, atrBuf: Buffer | undefined): void {
    if (stopped) return;
    if (reading.has(r.name)) {
      nextCard.set(r.name, atrBuf);
      return;
    }
    const job = readCard(r, atrBuf).finally(() => {
      reading.delete(r.name);
      if (!nextCard.has(r.name)) return;
      const atr = nextCard.get(r.name);
      nextCard.delete(r.name);
      if (readers.get(r.name) === r) onCard(r, atr);
    });
    reading.set(r.name, job);
  }

  async function readCard(r: NfcReaderLike, atrBuf: Buffer | undefined): Promise<void> {
    const atr = atrBuf ? toHex(atrBuf) : undefined;
    const entryMode = entryModeForReader(r.name);
    log(`pcsc: card on ${r.name}, ATR ${atr ?? '-'}`);
    field = undefined; // a new card: the previous one left the field
    const once: Transmit = (apdu) =>
      withTimeout(
        Promise.resolve().then(() => r.transmit(Buffer.from(apdu), 258)),
        apduTimeoutMs,
      ).then((b) => new Uint8Array(b));
    const transmit = firstApduRepowers(r, once, log);
    try {
      const uid = entryMode === 'contactless' ? await readUid(transmit).catch(() => undefined) : undefined;
      const read = await readStoredValueCard(transmit, aid);
      hub.card({
        pan: read.pan,
        entryMode,
        expiry: read.expiry,
        chipBalanceFen: read.balanceFen,
        ...(atr ? { atr } : {}),
        ...(uid ? { uid } : {}),
      });
    } catch (e) {
      if (stopped) return;
      if (
        e instanceof IcError &&
        e.code === 'CARD_UNSUPPORTED' &&
        (await readEpurseCard(r, transmit, entryMode, atr))
      )
        return;
      if (e instanceof IcError && e.code !== 'CARD_REMOVED') {
        log(`pcsc: ${e.code} ${e.message} (ATR ${atr ?? '-'})`);
        hub.error(e.code, e.message);
        return;
      }
      const text = errorText(e);
      const readerGone = readers.get(r.name) !== r || classifyTransportError(text) === 'reader';
      if (readerGone) {
        log(`pcsc: reader gone mid-read: ${text}`);
        if (hub.state === 'connected' && readers.get(r.name) === r) {
          // the end/error events will follow; say it now so the read is not reported twice
          hub.error('READER_GONE', `读卡器已断开 / reader gone during read: ${text}`);
        }
        return;
      }
      const kind = e instanceof IcError ? 'card' : classifyTransportError(text);
      hub.error(
        kind === 'other' ? 'IO_ERROR' : 'CARD_REMOVED',
        kind === 'other' ? text : `读卡时卡片移开，请重新刷卡 / card removed during read: ${text}`,
      );
    }
  }

  return {
    id: cfg.id,
    kind: 'ic',
    async start() {
      if (!stopped) return;
      stopped = false;
      await openStack();
    },
    async stop() {
      stopped = true;
      field = undefined;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      await Promise.allSettled([...reading.values()]);
      if (nfc) dropStack(nfc);
      hub.setState('disconnected', 'stopped');
    },
    info: () => hub.info(),
    onEvent: (l) => hub.on(l),
    chipChannel: () => field?.channel,
  };
}

/**
 * pcscd can report a card present, with an ATR, and let us connect, when no powered card is
 * there: right after pcscd comes back it still shows a card taken away just before it went (its
 * removal not yet polled), or a card swapped within one presence poll. It then refuses the first
 * exchange with SCARD_E_NOT_TRANSACTED without reaching the card, and a later one can hang until
 * the APDU timeout (seen through vpcd: the card got no power-on, 0x01, and no APDU). So when the
 * first APDU of a card fails that way, the card is powered off and connected again once and the
 * APDU retried (a swapped-in card is then read); if pcscd now says no card is there, this read
 * fails as "card removed" at once and so does every later APDU of it, instead of hanging.
 */
function firstApduRepowers(r: NfcReaderLike, once: Transmit, log: (s: string) => void): Transmit {
  let first = true;
  let gone: IcError | undefined;
  return async (apdu) => {
    if (gone) throw gone; // every later APDU of this read fails at once, none hangs
    if (!first) return once(apdu);
    first = false;
    try {
      return await once(apdu);
    } catch (e) {
      const text = errorText(e);
      if (!isNotTransacted(text)) throw e;
      log(`pcsc: first APDU not transacted on ${r.name}; powering the card up again`);
      if (!(await repowerCard(r))) {
        gone = new IcError('CARD_REMOVED', `卡片不在读卡器上，请重新放卡 / no card to power up: ${text}`);
        throw gone;
      }
      return once(apdu);
    }
  };
}

function safeClose(r: NfcReaderLike): void {
  try {
    r.close();
  } catch {
    // the reader's thread is already gone
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new IcError('IO_ERROR', `APDU timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Reader names PC/SC sees right now, or why it cannot tell. */
export async function listPcscReaders(waitMs = 600): Promise<string[] | { unavailable: string }> {
  const mod = await loadNfcPcsc();
  if (!mod || !(await probePcscd())) return { unavailable: PCSC_UNAVAILABLE };
  let nfc: NfcLike;
  try {
    nfc = new mod.NFC(nfcLogger());
  } catch {
    return { unavailable: PCSC_UNAVAILABLE };
  }
  const found: NfcReaderLike[] = [];
  nfc.on('reader', (r) => {
    r.autoProcessing = false;
    r.on('error', () => {});
    found.push(r);
  });
  nfc.on('error', () => {});
  await new Promise((r) => setTimeout(r, waitMs));
  for (const r of found) safeClose(r);
  try {
    nfc.close();
  } catch {
    // ignore
  }
  return found.map((r) => r.name);
}
