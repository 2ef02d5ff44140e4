/**
 * The payment and buyer fields of a card sale or top-up (CardLifePanel) and of a batch sale
 * (BatchActivatePanel): how it is paid (cash and the cash handed over, or a bank transfer and its
 * reference) and who buys (a person or an organisation, with name and ID number when the rules
 * need them — src/shared/card-rules.ts). The values live in the panel, through useLoadFields,
 * which also builds the request's payment part the same way for both panels.
 *
 * With `need` (a batch, whose order total the panel judges with the shared rules) the form says
 * what this order needs: cash is not offered at or over the non-cash line, and the name and ID
 * fields appear when the ID is required (or when the cashier chooses to record the buyer).
 */
import { useState } from 'react';
import { useT } from './useLang';
import { yuanToFen } from './manager/download';

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

/** What a card sale's request carries of its payment and buyer (card.activate, card.batchActivate). */
export interface LoadPayment {
  /** The cash handed over, in fen, when typed (the change is worked out from it). */
  tenderFen?: number;
  tender: 'cash' | 'bank_transfer';
  transferRef?: string;
  buyer: { kind: 'person' | 'organisation'; name?: string; idNumber?: string };
}

/** The fields' state for one panel, the request's payment part, and what is cleared after a sale. */
export function useLoadFields(): {
  f: LoadFieldValues;
  payment(): LoadPayment;
  /** The buyer's ID is not kept on the screen once it is recorded (the answer shows it masked). */
  clearId(): void;
  /** Everything typed, after a sale or when the panel starts over. */
  clear(): void;
} {
  const [payBy, setPayBy] = useState<'cash' | 'bank_transfer'>('cash');
  const [tenderText, setTenderText] = useState('');
  const [transferRef, setTransferRef] = useState('');
  const [buyerKind, setBuyerKind] = useState<'person' | 'organisation'>('person');
  const [buyerName, setBuyerName] = useState('');
  const [buyerId, setBuyerId] = useState('');
  const f: LoadFieldValues = {
    ...{ payBy, setPayBy, tenderText, setTenderText, transferRef, setTransferRef },
    ...{ buyerKind, setBuyerKind, buyerName, setBuyerName, buyerId, setBuyerId },
  };
  const clearId = () => {
    setBuyerName('');
    setBuyerId('');
  };
  return {
    f,
    payment: () => {
      const tenderFen = payBy === 'cash' && tenderText ? yuanToFen(tenderText) : null;
      const hasId = buyerName.trim() !== '' || buyerId.trim() !== '';
      return {
        ...(tenderFen ? { tenderFen } : {}),
        tender: payBy,
        ...(payBy === 'bank_transfer' && transferRef.trim() ? { transferRef: transferRef.trim() } : {}),
        buyer: { kind: buyerKind, ...(hasId ? { name: buyerName.trim(), idNumber: buyerId.trim() } : {}) },
      };
    },
    clearId,
    clear: () => {
      setTenderText('');
      setTransferRef('');
      clearId();
    },
  };
}

/** What the rules ask of this order (needsBuyerId, cashAllowed of src/shared/card-rules.ts). */
export interface LoadNeeds {
  id: boolean;
  noCash: boolean;
}

export function LoadFields({
  f,
  need,
  testIdPrefix = 'card-life',
}: {
  f: LoadFieldValues;
  need?: LoadNeeds;
  testIdPrefix?: string;
}) {
  const { t } = useT();
  const { payBy, setPayBy, tenderText, setTenderText, transferRef, setTransferRef } = f;
  const { buyerKind, setBuyerKind, buyerName, setBuyerName, buyerId, setBuyerId } = f;
  const [recordBuyer, setRecordBuyer] = useState(false);
  const id = (name: string) => `${testIdPrefix}-${name}`;
  const showId = !need || need.id || recordBuyer || buyerName !== '' || buyerId !== '';
  return (
    <>
      <label>
        {t('clPayBy')}
        <select
          value={payBy}
          onChange={(e) => setPayBy(e.target.value as 'cash' | 'bank_transfer')}
          data-testid={id('pay-by')}
        >
          <option value="cash" disabled={need?.noCash}>
            {t('clPayCash')}
          </option>
          <option value="bank_transfer">{t('clPayTransfer')}</option>
        </select>
      </label>
      {need?.noCash && (
        <p className="muted small" data-testid={id('need-transfer')}>
          {t('cbNeedTransfer')}
        </p>
      )}
      {payBy === 'cash' ? (
        <label>
          {t('clTender')}
          <input
            className="mono"
            inputMode="decimal"
            value={tenderText}
            onChange={(e) => setTenderText(e.target.value)}
            data-testid={id('tender')}
          />
        </label>
      ) : (
        <label>
          {t('clTransferRef')}
          <input
            className="mono"
            value={transferRef}
            onChange={(e) => setTransferRef(e.target.value)}
            data-testid={id('transfer-ref')}
          />
        </label>
      )}
      <fieldset className="card-life-buyer">
        <legend>{t('clBuyerKind')}</legend>
        <p className="muted small" data-testid={id('id-hint')}>
          {need?.id ? t('cbNeedId') : t('clIdHint')}
        </p>
        <select
          value={buyerKind}
          onChange={(e) => setBuyerKind(e.target.value as 'person' | 'organisation')}
          data-testid={id('buyer-kind')}
        >
          <option value="person">{t('clBuyerPerson')}</option>
          <option value="organisation">{t('clBuyerOrg')}</option>
        </select>
        {!showId && (
          <button className="btn small" onClick={() => setRecordBuyer(true)} data-testid={id('record-buyer')}>
            {t('cbRecordBuyer')}
          </button>
        )}
        {showId && (
          <>
            <label>
              {t('clBuyerName')}
              <input
                value={buyerName}
                autoComplete="off"
                onChange={(e) => setBuyerName(e.target.value)}
                data-testid={id('buyer-name')}
              />
            </label>
            <label>
              {t('clBuyerId')}
              <input
                className="mono"
                autoComplete="off"
                value={buyerId}
                onChange={(e) => setBuyerId(e.target.value)}
                data-testid={id('buyer-id')}
              />
            </label>
          </>
        )}
      </fieldset>
    </>
  );
}
