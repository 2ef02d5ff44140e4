/** Every shift: variance, acknowledgement, settlement; open one to see its Z report and discrepancies. */
import { useEffect, useState } from 'react';
import { call } from '../../actions';
import { BridgeError } from '../../bridge';
import { useT } from '../useLang';
import { ReportCard, VarianceCard, SettlementView } from './ReportCard';
import type { Res } from '../../../shared/contract';
import type { WordKey } from '../../i18n';
import { useFormat } from '../../format';

export function ShiftList() {
  const { t, money, err } = useT();
  const f = useFormat();
  const [error, setError] = useState('');
  const [rows, setRows] = useState<Res<'shift.list'>>([]);
  const [z, setZ] = useState<Res<'report.z'> | null>(null);
  const load = () => void call('shift.list', { limit: 100 }).then(setRows);
  useEffect(load, []);
  const open = (id: number) => void call('report.z', { shiftId: id }).then(setZ);
  return (
    <div className="mgr-shifts" data-testid="mgr-shifts">
      <table className="grid">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('colOpened')}</th>
            <th>{t('colClosed')}</th>
            <th>{t('netCardSales')}</th>
            <th>{t('variance')}</th>
            <th>{t('settlement')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.id} data-testid={`shift-row-${s.id}`}>
              <td>{s.id}</td>
              <td>
                {f.dateTime(s.openedAt)} · {s.openedBy}
              </td>
              <td>{s.closedAt ? `${f.dateTime(s.closedAt)} · ${s.closedBy}` : '—'}</td>
              <td className="mono">{s.netCardFen === null ? '—' : money(s.netCardFen)}</td>
              <td className="mono">
                {s.varianceFen === null
                  ? '—'
                  : `${s.varianceFen > 0 ? '+' : s.varianceFen < 0 ? '-' : ''}${money(Math.abs(s.varianceFen))}`}{' '}
                {s.status === 'closed' && !s.acknowledged && (
                  <span className="tag warn">{t('unacknowledged')}</span>
                )}
              </td>
              <td>
                {s.settlement ? (
                  <span className={`pill set-${s.settlement}`}>{t(`set_${s.settlement}` as WordKey)}</span>
                ) : (
                  '—'
                )}
              </td>
              <td>
                {s.status === 'closed' && (
                  <button className="btn small" onClick={() => open(s.id)} data-testid={`shift-view-${s.id}`}>
                    {t('view')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {z && (
        <section className="panel" data-testid="z-view">
          <h3>
            {t('zReport')} #{z.report.shiftId}
          </h3>
          <VarianceCard
            key={z.report.shiftId}
            report={z.report}
            ack={z.ack}
            onAcked={() => {
              load();
              open(z.report.shiftId);
            }}
          />
          <SettlementView
            report={z.report}
            onRetry={() =>
              // The list's status column and the Z below say the same after a retry: both reload.
              void call('shift.settle', { shiftId: z.report.shiftId })
                .then(
                  () => setError(''),
                  (e: unknown) => setError(e instanceof BridgeError ? err(e.error.code) : String(e)),
                )
                .then(() => {
                  load();
                  open(z.report.shiftId);
                })
            }
          />
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <ReportCard data={z} onChange={() => open(z.report.shiftId)} />
        </section>
      )}
    </div>
  );
}
