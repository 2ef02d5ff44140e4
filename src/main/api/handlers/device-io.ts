import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { deviceIoMethods } from '../../../shared/contract/device-io';
import { TillError } from '../../../shared/errors';
import { maskPan } from '../../../shared/card';
import { decodeWedgeFrame } from '../../devices/wedge-frame';

/** The device id keyboard-wedge input is reported under (it has no driver of its own). */
export const WEDGE_DEVICE_ID = 'wedge';

export function deviceIoHandlers(ctx: AppContext): Pick<Handlers, keyof typeof deviceIoMethods> {
  return {
    'wedge.frame': ({ text }) => {
      const r = decodeWedgeFrame(text);
      if (r.kind === 'error') {
        ctx.log(`wedge: ${r.code}: ${r.detail}`);
        throw new TillError(r.code, r.detail);
      }
      if (r.kind === 'receipt') {
        ctx.log('wedge: scan receipt code');
        ctx.emit('receipt.scanned', { deviceId: WEDGE_DEVICE_ID, text: r.text });
        return { kind: 'receipt' as const };
      }
      const masked = maskPan(r.card.pan);
      ctx.log(`wedge: card ${r.card.entryMode} ${masked}`);
      // A technician testing a scanner sees the read; only a seller's wedge input becomes the card
      // of the next transaction.
      if (ctx.session.current()?.role === 'technician')
        return { kind: 'card' as const, masked, entryMode: r.card.entryMode };
      const card = ctx.terminal.present(r.card, WEDGE_DEVICE_ID);
      return { kind: 'card' as const, masked, entryMode: r.card.entryMode, card };
    },
    'receipt.reprint': () => ctx.printing.reprintLast(),
  };
}
