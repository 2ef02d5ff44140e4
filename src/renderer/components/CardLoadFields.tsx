/**
 * The payment and buyer fields of a card sale or top-up (CardLifePanel): how it is paid (cash and
 * the cash handed over, or a bank transfer and its reference) and who buys (a person or an
 * organisation, with name and ID number when the rules need them — src/shared/card-rules.ts).
 * Presentational: the panel owns the values.
 */
import { useT } from './useLang';

export interface LoadFieldValues {
  payBy: 'cash' | 'bank_transfer';
  setPayBy: (v: 'cash' | 'bank_transfer') => void;
  tenderText: string;
  setTenderText: (v: string) => void;
  transferRef: string;
  setTransferRef: (v: string) => void;
  buyerKind: 'person' | 'organisation';
  setBuyerKind: (v: 'person' | 'organisation') => void;
  buyerName: string;
  setBuyerName: (v: string) => void;
  buyerId: string;
  setBuyerId: (v: string) => void;
}

export function LoadFields({ f }: { f: LoadFieldValues }) {
  const { t } = useT();
  const { payBy, setPayBy, tenderText, setTenderText, transferRef, setTransferRef } = f;
  const { buyerKind, setBuyerKind, buyerName, setBuyerName, buyerId, setBuyerId } = f;
  return (
    <>
      <label>
        {t('clPayBy')}
        <select
          value={payBy}
          onChange={(e) => setPayBy(e.target.value as 'cash' | 'bank_transfer')}
          data-testid="card-life-pay-by"
        >
          <option value="cash">{t('clPayCash')}</option>
          <option value="bank_transfer">{t('clPayTransfer')}</option>
        </select>
      </label>
      {payBy === 'cash' ? (
        <label>
          {t('clTender')}
          <input
            className="mono"
            inputMode="decimal"
            value={tenderText}
            onChange={(e) => setTenderText(e.target.value)}
            data-testid="card-life-tender"
          />
        </label>
      ) : (
        <label>
          {t('clTransferRef')}
          <input
            className="mono"
            value={transferRef}
            onChange={(e) => setTransferRef(e.target.value)}
            data-testid="card-life-transfer-ref"
          />
        </label>
      )}
      <fieldset className="card-life-buyer">
        <legend>{t('clBuyerKind')}</legend>
        <p className="muted small">{t('clIdHint')}</p>
        <select
          value={buyerKind}
          onChange={(e) => setBuyerKind(e.target.value as 'person' | 'organisation')}
          data-testid="card-life-buyer-kind"
        >
          <option value="person">{t('clBuyerPerson')}</option>
          <option value="organisation">{t('clBuyerOrg')}</option>
        </select>
        <label>
          {t('clBuyerName')}
          <input
            value={buyerName}
            autoComplete="off"
            onChange={(e) => setBuyerName(e.target.value)}
            data-testid="card-life-buyer-name"
          />
        </label>
        <label>
          {t('clBuyerId')}
          <input
            className="mono"
            autoComplete="off"
            value={buyerId}
            onChange={(e) => setBuyerId(e.target.value)}
            data-testid="card-life-buyer-id"
          />
        </label>
      </fieldset>
    </>
  );
}
