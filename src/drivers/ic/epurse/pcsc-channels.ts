/**
 * PC/SC channels for the e-purse flow: one reader for the customer's card, one for the PSAM, as the
 * `transmit(target, apdu)` that flow.ts takes. Raw APDUs only (nfc-pcsc's autoProcessing off):
 * through pcscd nobody sends GET RESPONSE for us, so flow.ts does (PBOC-EP.md "T=1").
 * A reader whose card is absent or was pulled away fails the transmit: flow.ts turns that into
 * EP_TORN. The channel for `psam:<reader name>` devices and the integration tests.
 */
import {
  errorText,
  loadNfcPcsc,
  nfcLogger,
  probePcscd,
  type NfcLike,
  type NfcReaderLike,
} from '../pcsc-stack';
import { EpurseError } from './errors';
import type { EpTransmit, Target } from './flow';

export interface PcscChannels {
  transmit: EpTransmit;
  /** Resolves when a card is in the reader of `target` (at once when one already is). */
  cardPresent(target: Target): Promise<void>;
  /** Resolves when the reader of `target` has no card (at once when it has none). */
  cardAbsent(target: Target): Promise<void>;
  close(): void;
}

interface Slot {
  reader?: NfcReaderLike;
  present: boolean;
  waiters: (() => void)[];
  offWaiters: (() => void)[];
}

export async function openPcscChannels(
  readers: Record<Target, string>,
  log: (s: string) => void = () => {},
): Promise<PcscChannels> {
  const mod = await loadNfcPcsc();
  if (!mod || !(await probePcscd())) throw new EpurseError('EP_TORN', 'PC/SC unavailable');
  // Seen here once under load: SCardEstablishContext "Access denied (0x8010006a)" from a pcscd
  // that answers the next attempt (pcscd asks polkit, absent on these machines). A few attempts,
  // then a typed error.
  let nfc: NfcLike | undefined;
  for (let attempt = 1; !nfc; attempt++) {
    try {
      nfc = new mod.NFC(nfcLogger(log));
    } catch (e) {
      log(`epurse pcsc: context attempt ${attempt}: ${errorText(e)}`);
      if (attempt >= 3) throw new EpurseError('EP_TORN', `PC/SC context: ${errorText(e)}`, { cause: e });
    }
  }
  const slots: Record<Target, Slot> = {
    card: { present: false, waiters: [], offWaiters: [] },
    psam: { present: false, waiters: [], offWaiters: [] },
  };
  nfc.on('error', (e) => log(`epurse pcsc: ${errorText(e)}`));
  nfc.on('reader', (r) => {
    r.on('error', (e) => log(`epurse pcsc ${r.name}: ${errorText(e)}`));
    r.autoProcessing = false;
    const target = (Object.keys(readers) as Target[]).find((t) => readers[t] === r.name);
    if (!target) return;
    const slot = slots[target];
    slot.reader = r;
    r.on('card', () => {
      slot.present = true;
      for (const w of slot.waiters.splice(0)) w();
    });
    const off = () => {
      slot.present = false;
      for (const w of slot.offWaiters.splice(0)) w();
    };
    r.on('card.off', off);
    r.on('end', () => {
      off();
      slot.reader = undefined;
    });
  });
  return {
    async transmit(target, apdu) {
      const slot = slots[target];
      if (!slot.reader || !slot.present) throw new EpurseError('EP_TORN', `no card in ${readers[target]}`);
      return new Uint8Array(await slot.reader.transmit(Buffer.from(apdu), 258));
    },
    cardPresent(target) {
      const slot = slots[target];
      return slot.present ? Promise.resolve() : new Promise((r) => slot.waiters.push(r));
    },
    cardAbsent(target) {
      const slot = slots[target];
      return !slot.present ? Promise.resolve() : new Promise((r) => slot.offWaiters.push(r));
    },
    close() {
      for (const s of Object.values(slots)) {
        try {
          s.reader?.close();
        } catch {
          // already gone
        }
      }
      try {
        nfc.close();
      } catch {
        // already closed
      }
    },
  };
}
