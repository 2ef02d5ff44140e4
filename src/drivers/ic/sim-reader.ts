/**
 * The simulated IC reader of demo mode. A tap builds a VirtualStoredValueCard and reads it with the
 * same codec as the PC/SC driver (readStoredValueCard), so the demo exercises the real APDU path.
 */
import type { ApduChannel, ChipReader, SimInput, SimulatedDriver } from '../types';
import { DeviceHub } from './device-hub';
import { IcError } from './errors';
import { readStoredValueCard, readUid, type Transmit } from './stored-value-app';
import { REMOVED, VirtualStoredValueCard, expiryDateFromYymm } from './virtual-card';
import { toHex } from './apdu';
import { VirtualEpurseCard } from './epurse/virtual-epurse';
import { readEpurse } from './epurse/flow';
import { isEpurseError } from './epurse/errors';
import { panFromSerial } from './stored-value-app';

/**
 * A simulated e-purse card in the field. The cards are kept per number for the reader's life, as
 * physical cards keep their chip balance and sequences between taps. `tearAt`: the card executes
 * that command and leaves the field without answering (0-byte answer, as pcscd gives).
 */
interface InField {
  card: VirtualEpurseCard;
  tearAt?: 'debit' | 'credit';
  gone: boolean;
}

export function createSimIcReader(id: string): SimulatedDriver & ChipReader {
  const hub = new DeviceHub(
    { id, kind: 'ic', transport: 'sim', path: 'sim', simulated: true },
    'disconnected',
  );
  let running = false;
  let busy = Promise.resolve();
  const epurses = new Map<string, VirtualEpurseCard>();
  let field: InField | undefined;

  const channel =
    (f: InField): ApduChannel =>
    async (apdu) => {
      if (f.gone || field !== f) return new Uint8Array(0); // no card: no answer
      const r = f.card.respond(apdu);
      const ins = apdu[1];
      if ((f.tearAt === 'debit' && ins === 0x54) || (f.tearAt === 'credit' && ins === 0x52)) {
        f.gone = true; // executed, then pulled away before the answer was read
        return new Uint8Array(0);
      }
      return r;
    };

  async function tapEpurse(input: Extract<SimInput, { action: 'tap' }>): Promise<void> {
    let card = epurses.get(input.pan);
    if (!card) {
      card = new VirtualEpurseCard({ cardNumber: input.pan, balanceFen: input.balanceFen ?? 0 });
      epurses.set(input.pan, card);
    }
    card.reset(); // a new power-up: selection and any INITIALIZE are gone
    const f: InField = { card, gone: false, ...(input.tearAt ? { tearAt: input.tearAt } : {}) };
    field = f;
    try {
      const ch = channel(f);
      const read = await readEpurse((_to, apdu) => ch(apdu));
      const pan = panFromSerial(read.info.appSerial);
      if (!pan) throw new IcError('CARD_ERROR', 'application serial is not a card number');
      hub.card({
        pan,
        entryMode: 'contactless',
        expiry: read.info.endDate.slice(2, 6),
        chipBalanceFen: read.balanceFen,
        epurse: true,
      });
    } catch (e) {
      field = undefined;
      if (e instanceof IcError) hub.error(e.code, e.message);
      else if (isEpurseError(e)) hub.error('CARD_ERROR', e.message);
      else hub.error('IO_ERROR', String(e));
    }
  }

  async function tap(input: Extract<SimInput, { action: 'tap' }>): Promise<void> {
    const card = new VirtualStoredValueCard({
      pan: input.pan,
      expiryDate: expiryDateFromYymm(input.expiry ?? '3012'),
      balanceFen: input.balanceFen ?? 0,
      ...(input.removeEarly ? { failure: { kind: 'remove' as const, after: 'select' as const } } : {}),
    });
    const transmit: Transmit = async (apdu) => {
      const r = card.respond(apdu);
      if (r === REMOVED) throw new IcError('CARD_REMOVED', '卡片已移开 / card removed during read');
      return r;
    };
    try {
      const uid = await readUid(transmit);
      const read = await readStoredValueCard(transmit);
      hub.card({
        pan: read.pan,
        entryMode: 'contactless',
        expiry: read.expiry,
        chipBalanceFen: read.balanceFen,
        atr: toHex(card.atr),
        ...(uid ? { uid } : {}),
      });
    } catch (e) {
      if (e instanceof IcError) hub.error(e.code, e.message);
      else hub.error('IO_ERROR', String(e));
    }
  }

  return {
    id,
    kind: 'ic',
    async start() {
      running = true;
      hub.setState('connected', 'simulated reader');
    },
    async stop() {
      running = false;
      field = undefined;
      await busy;
      hub.setState('disconnected');
    },
    info: () => hub.info(),
    onEvent: (l) => hub.on(l),
    chipChannel() {
      const f = field;
      return f && !f.gone ? channel(f) : undefined;
    },
    simulate(input: SimInput) {
      if (input.action === 'remove') {
        field = undefined;
        return;
      }
      if (input.action !== 'tap') return;
      if (!running) {
        hub.error('READER_GONE', 'simulated reader is stopped');
        return;
      }
      if (input.expiry !== undefined && !/^\d{2}(0[1-9]|1[0-2])$/.test(input.expiry)) {
        hub.error('CARD_ERROR', 'simulated expiry must be YYMM');
        return;
      }
      if (!/^\d{12,19}$/.test(input.pan)) {
        hub.error('CARD_ERROR', 'simulated card number must be 12..19 digits');
        return;
      }
      // Any tap replaces the card in the field (one card at a time on the reader).
      field = undefined;
      busy = busy.then(() => (input.epurse ? tapEpurse(input) : tap(input)));
    },
  };
}
