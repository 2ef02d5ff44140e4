/**
 * Loading the optional PC/SC stack: nfc-pcsc (→ @pokusew/pcsclite → libpcsclite → pcscd).
 *
 * Two traps this file exists for:
 *  - nfc-pcsc is an optionalDependency with a native addon; on a machine without libpcsclite it
 *    is absent or fails to load. We import it dynamically, inside try/catch, once.
 *  - @pokusew/pcsclite's constructor spins in a busy loop while SCardEstablishContext answers
 *    SCARD_E_NO_SERVICE (src/pcsclite.cpp, `do { … } while (result == SCARD_E_NO_SERVICE …)`): with
 *    pcscd stopped, `new NFC()` blocks the event loop for ever. So before every construction we
 *    probe pcscd's socket (pcsc-lite's default /run/pcscd/pcscd.comm, or $PCSCLITE_CSOCK_NAME like
 *    libpcsclite itself) and construct only when something accepts the connection.
 */
import net from 'node:net';

/** The parts of nfc-pcsc's (untyped) API we use. */
export interface NfcReaderLike {
  readonly name: string;
  autoProcessing: boolean;
  on(ev: 'card', l: (card: { atr?: Buffer }) => void): void;
  on(ev: 'card.off' | 'end', l: () => void): void;
  on(ev: 'error', l: (e: unknown) => void): void;
  transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
  /** nfc-pcsc's SCardConnect (shared mode). */
  connect(): Promise<unknown>;
  close(): void;
}

export interface NfcLike {
  on(ev: 'reader', l: (r: NfcReaderLike) => void): void;
  on(ev: 'error', l: (e: unknown) => void): void;
  close(): void;
}

export interface NfcModule {
  NFC: new (logger?: unknown) => NfcLike;
}

let loading: Promise<NfcModule | undefined> | undefined;

/** nfc-pcsc, or undefined when it (or libpcsclite under it) cannot load. Never throws. */
export function loadNfcPcsc(): Promise<NfcModule | undefined> {
  loading ??= (async () => {
    try {
      const name = 'nfc-pcsc'; // a variable specifier: no bundler or type checker follows it
      const m = (await import(name)) as { NFC?: unknown; default?: { NFC?: unknown } };
      const NFC = m.NFC ?? m.default?.NFC;
      return typeof NFC === 'function' ? ({ NFC } as NfcModule) : undefined;
    } catch {
      return undefined;
    }
  })();
  return loading;
}

export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
}

/** True when pcscd accepts a connection on its socket within timeoutMs. */
export function probePcscd(timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ path: pcscdSocketPath() });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.removeAllListeners();
      s.on('error', () => {});
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A quiet logger for nfc-pcsc that forwards only errors to ours (its debug output is per APDU). */
export function nfcLogger(log?: (s: string) => void): Record<string, (...a: unknown[]) => void> {
  const none = () => {};
  const err = (...a: unknown[]) =>
    log?.(`nfc-pcsc: ${a.map((x) => (x instanceof Error ? x.message : String(x))).join(' ')}`);
  return { log: none, debug: none, info: none, warn: err, error: err };
}

/** Message of an nfc-pcsc error including the native cause (`previous`), for classification. */
export function errorText(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; cur && i < 4; i++) {
    if (cur instanceof Error || (typeof cur === 'object' && cur !== null && 'message' in cur)) {
      parts.push(String((cur as { message: unknown }).message));
      cur = (cur as { previous?: unknown; cause?: unknown }).previous ?? (cur as { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      break;
    }
  }
  return parts.join(': ');
}

/**
 * PC/SC return codes (pcsc-lite pcsclite.h, = Microsoft WinSCard) that mean the card left or the
 * reader / daemon went away.
 */
const CARD_GONE = [
  0x80100069 /* W_REMOVED_CARD */, 0x80100068 /* W_RESET_CARD */, 0x8010000c /* E_NO_SMARTCARD */,
  0x80100066 /* W_UNRESPONSIVE_CARD */, 0x80100067 /* W_UNPOWERED_CARD */,
];
const READER_GONE = [
  0x80100009 /* E_UNKNOWN_READER */, 0x80100017 /* E_READER_UNAVAILABLE */, 0x8010001d /* E_NO_SERVICE */,
  0x8010001e /* E_SERVICE_STOPPED */, 0x80100013 /* F_COMM_ERROR "RPC transport error" */,
  0x80100003 /* E_INVALID_HANDLE */,
];

export function classifyTransportError(text: string): 'card' | 'reader' | 'other' {
  const m = /0x([0-9a-f]{8})/i.exec(text);
  if (m) {
    const code = Number.parseInt(m[1]!, 16);
    if (CARD_GONE.includes(code)) return 'card';
    if (READER_GONE.includes(code)) return 'reader';
  }
  if (/not connected|no card/i.test(text)) return 'card';
  return 'other';
}

/** SCARD_E_NOT_TRANSACTED: pcscd refused the exchange without reaching the card. */
export function isNotTransacted(text: string): boolean {
  return /0x80100016/i.test(text);
}

/**
 * Power the card off and connect again, so pcscd powers it up afresh (pcsc-lite powers an
 * unpowered card on SCardConnect). nfc-pcsc's own disconnect() leaves the card powered
 * (SCARD_LEAVE_CARD), which does not help, so this reaches the native CardReader under it
 * (@pokusew/pcsclite: disconnect(disposition, cb), SCARD_UNPOWER_CARD). Resolves false when the
 * card cannot be reconnected (pcscd then reports it absent) or the native reader is not there.
 */
export async function repowerCard(r: NfcReaderLike): Promise<boolean> {
  const holder = r as unknown as { reader?: unknown; connection?: unknown };
  const native = holder.reader as
    | { disconnect?: (disposition: number, cb: (e?: unknown) => void) => void; SCARD_UNPOWER_CARD?: number }
    | undefined;
  if (typeof native?.disconnect !== 'function' || typeof native.SCARD_UNPOWER_CARD !== 'number') return false;
  const unpower = native.SCARD_UNPOWER_CARD;
  await new Promise<void>((done) => native.disconnect!(unpower, () => done()));
  holder.connection = null; // nfc-pcsc's record of the handle just closed
  try {
    await r.connect();
    return true;
  } catch {
    return false;
  }
}

/**
 * Contact or contactless, from the reader's PC/SC name. Dual-interface readers expose two slots,
 * e.g. "… PICC Interface" (contactless, ISO/IEC 14443) and "… ICC Interface" / "… SAM" (contact).
 * Unknown names count as contactless: our cards are tapped.
 */
export function entryModeForReader(name: string): 'chip' | 'contactless' {
  if (/picc|contactless|\bnfc\b|\bcl\b|acr12[0-9]|virtual pcd/i.test(name)) return 'contactless';
  if (/\bicc\b|\bsam\b|\bcontact\b|smart ?card reader|ccid/i.test(name)) return 'chip';
  return 'contactless';
}
