/** Dispute desk: checks a receipt QR with this terminal's keys (cached verifier tables) and its signed journal. */
import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { disputeMethods } from '../../../shared/contract/dispute';
import { checkAgainstJournal, verifyReceiptQr } from '../../receipt/verify-receipt';

export function disputeHandlers(ctx: AppContext): Pick<Handlers, keyof typeof disputeMethods> {
  return {
    'dispute.verifyReceipt': ({ text }) => {
      const keys = {
        terminalId: ctx.config.terminalId,
        publicKeys: ctx.keys.publicKeys,
        verifierFor: (kv: number) => ctx.keys.verifierFor(kv),
        dataKey: ctx.keys.dataKey,
        receiptKey: ctx.keys.receiptKey,
      };
      // Signed by our key AND what the signed journal says (a receipt of an edited row is not).
      const v = checkAgainstJournal(verifyReceiptQr(text, keys), ctx.db, keys);
      ctx.log(
        `dispute desk: receipt ${v.genuine ? 'GENUINE' : `FORGED (${v.reason})`}${v.stan !== undefined ? ` stan ${v.stan}` : ''}`,
      );
      return v;
    },
  };
}
