/**
 * The PSAM as a device (`psam:<PC/SC reader name>`, or `sim:psam` in demo mode): the terminal's
 * secure access module, which holds the issuer's purchase keys and numbers every chip purchase.
 * On start it is SELECTed and its terminal number read (PBOC-EP.md "PSAM commands"); the
 * technician's screen shows its state, terminal number and the transaction counter of its last
 * MAC1 (the counter advances on every MAC1, so gaps are normal).
 *
 * The simulated PSAM is the virtual one (virtual-psam.ts) with the DEMO-ONLY keys of
 * demo-keys.ts — the same keys as the demo issuer's, public, never a real issuer's.
 */
import type { DeviceEvent, DeviceInfo } from '../../../shared/devices';
import type { ApduChannel, DeviceListener, PsamDriver } from '../../types';
import { DeviceHub } from '../device-hub';
import { toHex } from '../apdu';
import { openPsam, type EpTransmit } from './flow';
import { openPcscChannels, type PcscChannels } from './pcsc-channels';
import { VirtualPsam } from './virtual-psam';

/** The demo PSAM's terminal number (6 bytes, hex). */
export const DEMO_PSAM_TERMINAL_NUMBER = '000000000001';

class PsamDevice implements PsamDriver {
  readonly kind = 'psam' as const;
  private readonly hub: DeviceHub;
  private terminalNumber: string | undefined;
  private counter: number | undefined;
  private ready = false;

  constructor(
    readonly id: string,
    transport: string,
    path: string,
    simulated: boolean,
    private readonly raw: {
      open(): Promise<ApduChannel>;
      close(): void;
    },
    private readonly log: (line: string) => void,
    now: () => number,
  ) {
    this.hub = new DeviceHub({ id, kind: 'psam', transport, path, simulated }, 'disconnected', now);
  }

  private channelOf: ApduChannel | undefined;

  async start(): Promise<void> {
    try {
      const ch = await this.raw.open();
      const t: EpTransmit = (_to, apdu) => ch(apdu);
      this.terminalNumber = toHex(await openPsam(t));
      this.channelOf = ch;
      this.ready = true;
      this.show();
    } catch (e) {
      this.ready = false;
      this.log(`${this.id}: PSAM not ready: ${(e as Error).message}`);
      this.hub.setState('unavailable', `PSAM 不可用 / PSAM not ready: ${(e as Error).message}`);
    }
  }

  private show(): void {
    // Grouped by bytes: a 12-digit run would read as a card number to the log's masking.
    const tn = this.terminalNumber?.replace(/(..)(?=.)/g, '$1 ') ?? '?';
    this.hub.setState(
      'connected',
      `PSAM 终端号 ${tn} · 交易序号 ${this.counter ?? '-'} / PSAM terminal no. ${tn} · counter ${this.counter ?? '-'}`,
    );
  }

  async stop(): Promise<void> {
    this.ready = false;
    this.channelOf = undefined;
    this.raw.close();
    this.hub.setState('disconnected');
  }

  info(): DeviceInfo {
    return this.hub.info();
  }

  onEvent(listener: DeviceListener): () => void {
    return this.hub.on(listener as (e: DeviceEvent) => void);
  }

  channel(): ApduChannel | undefined {
    const ch = this.channelOf;
    if (!this.ready || !ch) return undefined;
    return async (apdu) => {
      const r = await ch(apdu);
      // A MAC1 answer (80 70 at once, or 00 C0 after 61 08) starts with the PSAM's transaction
      // counter (terminal sequence, 4 bytes) — what the technician's screen shows.
      if (
        r.length === 10 &&
        r[8] === 0x90 &&
        r[9] === 0x00 &&
        ((apdu[0] === 0x80 && apdu[1] === 0x70) || (apdu[0] === 0x00 && apdu[1] === 0xc0))
      ) {
        this.counter = ((r[0]! << 24) >>> 0) + (r[1]! << 16) + (r[2]! << 8) + r[3]!;
        this.show();
      }
      return r;
    };
  }

  status(): { terminalNumber?: string; counter?: number } {
    return {
      ...(this.terminalNumber ? { terminalNumber: this.terminalNumber } : {}),
      ...(this.counter !== undefined ? { counter: this.counter } : {}),
    };
  }
}

/** The demo PSAM: a VirtualPsam with the demo keys. */
export function createSimPsam(
  id: string,
  opts: { log?: (line: string) => void; now?: () => number; terminalNumber?: string } = {},
): PsamDriver & { readonly virtual: VirtualPsam } {
  const virtual = new VirtualPsam({ terminalNumber: opts.terminalNumber ?? DEMO_PSAM_TERMINAL_NUMBER });
  const d = new PsamDevice(
    id,
    'sim',
    'sim',
    true,
    {
      open: async () => {
        virtual.reset();
        return async (apdu) => virtual.respond(apdu);
      },
      close: () => virtual.reset(),
    },
    opts.log ?? (() => {}),
    opts.now ?? Date.now,
  );
  return Object.assign(d, { virtual });
}

/** `psam:<reader name>`: the PSAM in a PC/SC reader's slot, raw APDUs through pcscd. */
export function createPcscPsam(
  id: string,
  readerName: string,
  opts: { log?: (line: string) => void; now?: () => number } = {},
): PsamDriver {
  const log = opts.log ?? (() => {});
  let channels: PcscChannels | undefined;
  return new PsamDevice(
    id,
    'psam',
    readerName,
    false,
    {
      open: async () => {
        // Only the PSAM's reader is watched: the customer's card has its own IC reader device.
        channels = await openPcscChannels({ card: '', psam: readerName }, log);
        await withTimeout(channels.cardPresent('psam'), 3000, 'no PSAM in the reader');
        const ch = channels;
        return (apdu) => ch.transmit('psam', apdu);
      },
      close: () => {
        channels?.close();
        channels = undefined;
      },
    },
    log,
    opts.now ?? Date.now,
  );
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(what)), ms);
    t.unref?.();
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
