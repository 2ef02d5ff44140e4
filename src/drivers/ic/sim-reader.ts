/**
 * The simulated IC reader of demo mode. A tap builds a VirtualStoredValueCard and reads it with the
 * same codec as the PC/SC driver (readStoredValueCard), so the demo exercises the real APDU path.
 */
import type { SimInput, SimulatedDriver } from '../types';
import { DeviceHub } from './device-hub';
import { IcError } from './errors';
import { readStoredValueCard, readUid, type Transmit } from './stored-value-app';
import { REMOVED, VirtualStoredValueCard, expiryDateFromYymm } from './virtual-card';
import { toHex } from './apdu';

export function createSimIcReader(id: string): SimulatedDriver {
  const hub = new DeviceHub(
    { id, kind: 'ic', transport: 'sim', path: 'sim', simulated: true },
    'disconnected',
  );
  let running = false;
  let busy = Promise.resolve();

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
      await busy;
      hub.setState('disconnected');
    },
    info: () => hub.info(),
    onEvent: (l) => hub.on(l),
    simulate(input: SimInput) {
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
      busy = busy.then(() => tap(input));
    },
  };
}
