/** Dispute desk: checks a receipt QR with this terminal's keys (cached verifier tables). */
import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { disputeMethods } from '../../../shared/contract/dispute';
import { verifyReceiptQr } from '../../receipt/verify-receipt';

export function disputeHandlers(ctx: AppContext): Pick<Handlers, keyof typeof disputeMethods> {
  return {
    'dispute.verifyReceipt': ({ text }) => {
      const v = verifyReceiptQr(text, {
        terminalId: ctx.config.terminalId,
        publicKeys: ctx.keys.publicKeys,
        verifierFor: (kv) => ctx.keys.verifierFor(kv),
        dataKey: ctx.keys.dataKey,
        receiptKey: ctx.keys.receiptKey,
      });
      ctx.log(
        `dispute desk: receipt ${v.genuine ? 'GENUINE' : `FORGED (${v.reason})`}${v.stan !== undefined ? ` stan ${v.stan}` : ''}`,
      );
      return v;
    },
  };
}
