/**
 * File-batch issuers (`fileBatch.status`, src/main/issuer/file-batch) on the manager's offline
 * queue screen: the hot list and balance file in use, whether this issuer's cards can be taken,
 * files refused (unsigned, badly signed, older, stale — with the reason in words), the daily
 * transaction files and their acknowledgements, and 立即同步 / 立即生成今日交易文件
 * (`fileBatch.sync`). Refreshed on `fileBatch.changed` and every few seconds; shows nothing when
 * no issuer is file-batch.
 */
import { useCallback, useEffect, useState } from 'react';
import { useT } from '../useLang';
import { useFormat } from '../../format';
import { call } from '../../actions';
import { getBridge } from '../../bridge';
import type { FileBatchIssuerStatus, FileBatchList, FileBatchStatus } from '../../../shared/contract';
import type { WordKey } from '../../i18n';

export function FileBatchPanel() {
  const { t, err, money } = useT();
  const { dateTime } = useFormat();
  const [s, setS] = useState<FileBatchStatus | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const refresh = useCallback(async () => {
    try {
      setS(await call('fileBatch.status', {}));
    } catch {
      // signed out meanwhile
    }
  }, []);
  useEffect(() => {
    void refresh();
    const off = getBridge().on('fileBatch.changed', (v) => setS(v));
    const timer = setInterval(() => void refresh(), 5000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [refresh]);

  const sync = async (writeNow: boolean) => {
    setBusy(true);
    setError('');
    try {
      setS(await call('fileBatch.sync', { writeNow }));
    } catch (e) {
      const code = (e as { error?: { code?: string } }).error?.code;
      setError(code ? err(code) : String((e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  if (!s || s.issuers.length === 0) return null;
  const list = (l: FileBatchList | null) =>
    !l
      ? t('fbListMissing')
      : `${t('fbListLine', {
          v: String(l.version),
          cards: String(l.cards),
          created: dateTime(l.createdAt),
          until: dateTime(l.validUntil),
        })}${l.current ? '' : ` — ${t('fbListExpired')}`}`;
  const issuer = (i: FileBatchIssuerStatus) => (
    <div key={i.issuerId} data-testid={`fb-${i.issuerId}`}>
      <h4>
        {i.name} <span className="muted small mono">{i.issuerId}</span>
      </h4>
      <p className={i.usable ? 'small' : 'error'} data-testid={`fb-usable-${i.issuerId}`}>
        {i.usable ? t('fbUsable') : t('fbNotUsable')}
      </p>
      {i.lastSync?.error && (
        <p className="error small" data-testid={`fb-sync-error-${i.issuerId}`} title={i.lastSync.error}>
          {t('fbSyncFailed', { at: dateTime(i.lastSync.at) })}
        </p>
      )}
      <table className="grid">
        <tbody>
          <tr>
            <th>{t('fbDir')}</th>
            <td className="mono small">{i.dir}</td>
          </tr>
          <tr>
            <th>{t('fbHotlist')}</th>
            <td>{list(i.hotlist)}</td>
          </tr>
          <tr>
            <th>{t('fbBalances')}</th>
            <td>{list(i.balances)}</td>
          </tr>
        </tbody>
      </table>
      <p className="small" data-testid={`fb-files-${i.issuerId}`}>
        {t('fbFiles', {
          last: String(i.files.lastSeq),
          unacked: String(i.files.unacknowledged),
          acked: String(i.files.lastAcknowledgedSeq),
        })}
        {i.files.unwritten > 0 && <> · {t('fbUnwritten', { n: String(i.files.unwritten) })}</>}
        <br />
        {t('fbUnfiled', { n: String(i.unfiledCount) })} ·{' '}
        {t('fbUnacked', { amount: money(i.unacknowledgedFen) })}
      </p>
      <h4>{t('fbRefusals')}</h4>
      {i.refusals.length === 0 ? (
        <p className="muted small">{t('fbNoRefusals')}</p>
      ) : (
        <table className="grid" data-testid={`fb-refusals-${i.issuerId}`}>
          <thead>
            <tr>
              <th>{t('fbColFile')}</th>
              <th>{t('fbColReason')}</th>
              <th>{t('fbColAt')}</th>
            </tr>
          </thead>
          <tbody>
            {i.refusals.map((r) => (
              <tr key={`${r.fileName}-${r.at}`}>
                <td className="mono small">{r.fileName}</td>
                <td title={r.detail}>{t(`fbReason_${r.reason}` as WordKey)}</td>
                <td className="small">{dateTime(r.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
  return (
    <section data-testid="file-batch">
      <h3>{t('fbTitle')}</h3>
      {s.issuers.map(issuer)}
      <p>
        <button className="btn" disabled={busy} onClick={() => void sync(false)} data-testid="fb-sync">
          {busy ? t('fbSyncing') : t('fbSync')}
        </button>{' '}
        <button className="btn" disabled={busy} onClick={() => void sync(true)} data-testid="fb-write-now">
          {t('fbWriteNow')}
        </button>
      </p>
      {error && (
        <span className="error" data-testid="fb-error">
          {error}
        </span>
      )}
    </section>
  );
}
