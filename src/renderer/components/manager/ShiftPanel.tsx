/**
 * The shift: open with a counted float; X report any time; close with a blind count (the expected
 * figure is never shown before the count is in), then the variance to acknowledge, the
 * reconciliation and the Z report.
 */
import { useCallback, useEffect, useState } from 'react';
import { call } from '../../actions';
import { BridgeError } from '../../bridge';
import { useT } from '../useLang';
import { OverrideDialog } from '../OverrideDialog';
import { ReportCard, VarianceCard, SettlementView } from './ReportCard';
import { yuanToFen } from './download';
import type { Res, Override } from '../../../shared/contract';

type ReportDoc = Res<'report.x'>;

export function ShiftPanel() {
  const { t, err } = useT();
  const [shift, setShift] = useState<Res<'shift.current'>>(null);
  const [floatText, setFloatText] = useState('');
  const [countText, setCountText] = useState('');
  const [stage, setStage] = useState<'idle' | 'count'>('idle');
  const [x, setX] = useState<ReportDoc | null>(null);
  const [z, setZ] = useState<ReportDoc | null>(null);
  const [error, setError] = useState('');
  const [forcing, setForcing] = useState(false);
  const [forceError, setForceError] = useState<string | null>(null);

  const refresh = useCallback(() => void call('shift.current', {}).then(setShift), []);
  useEffect(refresh, [refresh]);
  const fail = (e: unknown) =>
    setError(
      e instanceof BridgeError
        ? `${err(e.error.code)}${e.error.detail ? ` (${e.error.detail})` : ''}`
        : String(e),
    );

  const open = async () => {
    const fen = yuanToFen(floatText);
    if (fen === null) return;
    setError('');
    try {
      setShift(await call('shift.open', { openingFloatFen: fen }));
      setZ(null);
      setX(null);
    } catch (e) {
      fail(e);
    }
  };
  const close = async (force?: Override) => {
    const fen = yuanToFen(countText);
    if (fen === null) return;
    setError('');
    try {
      const out = await call('shift.close', { countedFen: fen, ...(force ? { force } : {}) });
      setForcing(false);
      setZ(out);
      setStage('idle');
      setCountText('');
      refresh();
    } catch (e) {
      if (e instanceof BridgeError && e.error.code === 'BATCH_HAS_UNSENT') setForcing(true);
      else if (forcing) setForceError(e instanceof BridgeError ? err(e.error.code) : String(e));
      else fail(e);
    }
  };
  const reloadZ = () => z && void call('report.z', { shiftId: z.report.shiftId }).then(setZ);

  return (
    <div className="mgr-shift" data-testid="mgr-shift">
      <section className="panel">
        {shift ? (
          <p data-testid="shift-status" data-open="true">
            {t('shiftOpenSince', {
              id: String(shift.id),
              at: new Date(shift.openedAt).toLocaleString(),
              by: shift.openedBy,
            })}
          </p>
        ) : (
          <div>
            <p data-testid="shift-status" data-open="false">
              {t('noShift')}
            </p>
            <label>
              {t('openingFloat')}
              <input
                className="mono"
                inputMode="decimal"
                value={floatText}
                onChange={(e) => setFloatText(e.target.value)}
                data-testid="open-float"
              />
            </label>
            <button className="btn primary" onClick={() => void open()} data-testid="shift-open">
              {t('openShift')}
            </button>
          </div>
        )}
        {shift && stage === 'idle' && (
          <div className="row">
            <button
              className="btn"
              onClick={() => void call('report.x', {}).then(setX).catch(fail)}
              data-testid="x-report"
            >
              {t('xReport')}
            </button>
            <button className="btn primary" onClick={() => setStage('count')} data-testid="close-start">
              {t('closeShift')}
            </button>
          </div>
        )}
        {shift && stage === 'count' && (
          <form
            className="blind-count"
            data-testid="blind-count"
            onSubmit={(e) => {
              e.preventDefault();
              void close();
            }}
          >
            <h3>{t('blindCount')}</h3>
            <p className="muted">{t('blindCountHint')}</p>
            <label>
              {t('countedTotal')}
              <input
                className="mono big-input"
                inputMode="decimal"
                value={countText}
                onChange={(e) => setCountText(e.target.value)}
                data-testid="blind-count-input"
                autoFocus
              />
            </label>
            <div className="row">
              <button
                type="submit"
                className="btn primary"
                disabled={yuanToFen(countText) === null}
                data-testid="blind-count-close"
              >
                {t('closeWithCount')}
              </button>
              <button type="button" className="btn" onClick={() => setStage('idle')}>
                {t('cancel')}
              </button>
            </div>
          </form>
        )}
        {error && (
          <p className="error" role="alert" data-testid="shift-error">
            {error}
          </p>
        )}
      </section>
      {z && (
        <section className="panel" data-testid="z-result">
          <h3>
            {t('zReport')} #{z.report.shiftId}
          </h3>
          <VarianceCard report={z.report} onAcked={reloadZ} />
          <SettlementView
            report={z.report}
            onRetry={() => void call('shift.settle', { shiftId: z.report.shiftId }).then(reloadZ)}
          />
          <ReportCard data={z} onChange={reloadZ} />
        </section>
      )}
      {x && !z && (
        <section className="panel">
          <h3>{t('xReport')}</h3>
          <ReportCard data={x} />
        </section>
      )}
      {forcing && (
        <OverrideDialog
          action="force_close"
          error={forceError}
          onConfirm={(o) => void close(o)}
          onCancel={() => setForcing(false)}
        />
      )}
    </div>
  );
}
