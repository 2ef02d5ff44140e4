/**
 * The manager's dispute desk: a receipt QR scanned with the barcode scanner (`receipt.scanned`
 * event) or pasted → genuine / forged, and the decrypted transaction with the verification code
 * the paper receipt must carry.
 */
import { useCallback, useEffect, useState } from 'react';
import { useT } from '../components/useLang';
import { call } from '../actions';
import { getBridge } from '../bridge';
import type { Res } from '../../shared/contract';
import type { WordKey } from '../i18n';
import { useFormat } from '../format';

type Verdict = Res<'dispute.verifyReceipt'>;

export function DisputeDesk() {
  const { t, err, money } = useT();
  const f = useFormat();
  const [text, setText] = useState('');
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [scanned, setScanned] = useState('');
  const [error, setError] = useState('');

  const verify = useCallback(
    async (qr: string) => {
      setError('');
      try {
        setVerdict(await call('dispute.verifyReceipt', { text: qr.trim() }));
      } catch (e) {
        setVerdict(null);
        const code = (e as { error?: { code?: string } }).error?.code;
        setError(code ? err(code) : String((e as Error).message));
      }
    },
    [err],
  );

  // A receipt QR read by any scanner arrives as an event (src/shared/contract/device-io.ts).
  useEffect(
    () =>
      getBridge().on('receipt.scanned', (e) => {
        setText(e.text);
        setScanned(e.deviceId);
        void verify(e.text);
      }),
    [verify],
  );

  const d = verdict?.details;
  return (
    <section className="dispute" data-testid="dispute-desk">
      <h2>{t('disputeTitle')}</h2>
      <p className="muted">{t('disputeHint')}</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setScanned('');
          void verify(text);
        }}
      >
        <label>
          {t('disputePaste')}
          <textarea
            data-testid="dispute-input"
            className="mono"
            rows={3}
            cols={64}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <button type="submit" data-testid="dispute-verify" disabled={text.trim().length === 0}>
          {t('disputeVerify')}
        </button>
      </form>
      {scanned && (
        <p className="muted small" data-testid="dispute-scanned">
          {t('disputeScanned', { device: scanned })}
        </p>
      )}
      {error && (
        <p className="error" data-testid="dispute-error">
          {error}
        </p>
      )}
      {verdict && (
        <div
          data-testid="dispute-result"
          data-genuine={verdict.genuine ? 'yes' : 'no'}
          className={`verdict ${verdict.genuine ? 'ok' : 'bad'}`}
        >
          <h3>{verdict.genuine ? `✔ ${t('disputeGenuine')}` : `✘ ${t('disputeForged')}`}</h3>
          {!verdict.genuine && verdict.reason && <p>{t(`dispute_${verdict.reason}` as WordKey)}</p>}
          {verdict.genuine && (
            <p className="small">
              {t('disputeTerminalIdLabel')} {verdict.terminalId} · {t('disputeKeyVersion')} v
              {verdict.keyVersion} · {t('stan')} {String(verdict.stan).padStart(6, '0')}
            </p>
          )}
          {verdict.genuine && !d && <p className="muted">{t('disputeNoDetails')}</p>}
          {d && (
            <table className="grid" data-testid="dispute-details">
              <caption>{t('disputeDetails')}</caption>
              <tbody>
                <tr>
                  <th>{t('disputeMerchantIdLabel')}</th>
                  <td className="mono">{d.merchantId}</td>
                </tr>
                <tr>
                  <th>{t('disputeTerminalIdLabel')}</th>
                  <td className="mono">{d.terminalId}</td>
                </tr>
                <tr>
                  <th>{t('stan')}</th>
                  <td className="mono">{String(d.stan).padStart(6, '0')}</td>
                </tr>
                <tr>
                  <th>{t('disputeTxnType')}</th>
                  <td>
                    {f.txnKind(d.type)} · {f.txnStatus(d.status)} ·{' '}
                    {d.offline ? t('disputeOfflineMark') : t('disputeOnlineMark')}
                  </td>
                </tr>
                <tr>
                  <th>{t('disputeTxnTime')}</th>
                  <td>{f.dateTime(d.time)}</td>
                </tr>
                <tr>
                  <th>{t('disputeCardLast4')}</th>
                  <td className="mono">**** {d.last4}</td>
                </tr>
                <tr>
                  <th>{t('disputeTxnAmount')}</th>
                  <td data-testid="dispute-amount">{money(d.amountFen)}</td>
                </tr>
                {d.balanceFen !== undefined && (
                  <tr>
                    <th>{t('disputeTxnBalance')}</th>
                    <td>{money(d.balanceFen)}</td>
                  </tr>
                )}
                {verdict.code && (
                  <tr>
                    <th>{t('disputeCode')}</th>
                    <td className="mono" data-testid="dispute-code">
                      {verdict.code}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
