/**
 * The shift: open with a counted float; X report any time; close with a blind count (the expected
 * figure is never shown before the count is in) — the cashier's count by denomination if one was
 * recorded, or the manager's own (CountDrawer) — then the variance to acknowledge, the
 * reconciliation and the Z report.
 */
import { useCallback, useEffect, useState } from 'react';
import { call } from '../../actions';
import { BridgeError } from '../../bridge';
import { useT } from '../useLang';
import { OverrideDialog } from '../OverrideDialog';
import { CountDrawer } from '../CountDrawer';
import { ReportCard, VarianceCard, SettlementView } from './ReportCard';
import { yuanToFen } from './download';
import type { Res, Override } from '../../../shared/contract';
import { useFormat } from '../../format';

type ReportDoc = Res<'report.x'>;

export function ShiftPanel() {
  const { t, err, money } = useT();
  const f = useFormat();
  const [shift, setShift] = useState<Res<'shift.current'>>(null);
  const [floatText, setFloatText] = useState('');
  const [stage, setStage] = useState<'idle' | 'count'>('idle');
  const [counted, setCounted] = useState<Res<'shift.countInfo'>>(null);
  const [recount, setRecount] = useState(false);
  const [x, setX] = useState<ReportDoc | null>(null);
  const [z, setZ] = useState<ReportDoc | null>(null);
  const [error, setError] = useState('');
  const [forcing, setForcing] = useState(false);
  const [forceError, setForceError] = useState<string | null>(null);
  const [unsentCount, setUnsentCount] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);

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
    setError('');
    // An empty or unreadable float is said, not ignored: 0 is a float too, typed on purpose.
    if (fen === null) return setError(t('floatRequired'));
    try {
      setShift(await call('shift.open', { openingFloatFen: fen }));
      setZ(null);
      setX(null);
    } catch (e) {
      fail(e);
    }
  };
  /** Whether a count is already recorded (by a cashier, or by this manager before a failed close). */
  const loadCounted = async () => {
    setCounted(await call('shift.countInfo', {}));
    setRecount(false);
  };
  const startClose = async () => {
    setError('');
    try {
      await loadCounted();
      setStage('count');
    } catch (e) {
      fail(e);
    }
  };
  // The count is recorded first (shift.count), so the close always uses the latest recorded count.
  const close = async (force?: Override) => {
    setError('');
    try {
      const out = await call('shift.close', force ? { force } : {});
      setForcing(false);
      setConfirming(false);
      setZ(out);
      setStage('idle');
      refresh();
    } catch (e) {
      if (e instanceof BridgeError && e.error.code === 'BATCH_HAS_UNSENT') {
        // Say why: how many offline sales wait, and what a forced close does with them.
        setUnsentCount(
          await call('queue.status', {}).then(
            (q) => q.count,
            () => null,
          ),
        );
        setForcing(true);
      } else if (forcing) setForceError(e instanceof BridgeError ? err(e.error.code) : String(e));
      else fail(e);
      await loadCounted().catch(() => {});
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
              at: f.dateTime(shift.openedAt),
              by: shift.openedBy,
              // The float counted in at the open: the figure the drawer starts from.
              float: money(shift.openingFloatFen),
            })}
          </p>
        ) : (
          <div>
            <p data-testid="shift-status" data-open="false">
              {t('noShift')}
            </p>
            <div className="row open-float">
              <label>
                {t('openingFloat')} ¥
                <input
                  className="mono"
                  inputMode="decimal"
                  placeholder="0.00"
                  value={floatText}
                  onChange={(e) => setFloatText(e.target.value)}
                  onKeyDown={(e) => e.key === 'Enter' && void open()}
                  data-testid="open-float"
                />
              </label>
              <button className="btn primary" onClick={() => void open()} data-testid="shift-open">
                {t('openShift')}
              </button>
            </div>
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
            <button className="btn primary" onClick={() => void startClose()} data-testid="close-start">
              {t('closeShift')}
            </button>
          </div>
        )}
        {shift && stage === 'count' && (
          <div className="blind-count" data-testid="blind-count">
            <h3>{t('blindCount')}</h3>
            {counted && !recount ? (
              <div data-testid="recorded-count">
                <p>
                  {t('cntRecordedBy', {
                    by: counted.countedBy,
                    at: f.time(counted.countedAt),
                    amount: counted.countedFen === null ? '—' : money(counted.countedFen),
                  })}
                </p>
                {confirming ? (
                  <div className="confirm" role="alertdialog" data-testid="confirm-close">
                    <p>
                      {t('confirmCloseWithCount', {
                        by: counted.countedBy,
                        amount: counted.countedFen === null ? '—' : money(counted.countedFen),
                      })}
                    </p>
                    <div className="row">
                      <button
                        className="btn primary"
                        onClick={() => void close()}
                        data-testid="confirm-close-yes"
                      >
                        {t('confirmClose')}
                      </button>
                      <button
                        className="btn"
                        onClick={() => setConfirming(false)}
                        data-testid="confirm-close-no"
                      >
                        {t('cancel')}
                      </button>
                    </div>
                  </div>
                ) : null}
                <div className="row">
                  <button
                    className="btn primary"
                    onClick={() => setConfirming(true)}
                    disabled={confirming}
                    data-testid="use-recorded-count"
                  >
                    {t('cntUseCashier')}
                  </button>
                  <button className="btn" onClick={() => setRecount(true)} data-testid="count-again">
                    {t('cntAgain')}
                  </button>
                  <button
                    className="btn"
                    onClick={() => {
                      setConfirming(false);
                      setStage('idle');
                    }}
                  >
                    {t('cancel')}
                  </button>
                </div>
              </div>
            ) : (
              <CountDrawer
                submitLabel={t('cntCountAndClose')}
                onRecorded={() => void close()}
                onCancel={() => (counted ? setRecount(false) : setStage('idle'))}
              />
            )}
          </div>
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
          <VarianceCard key={z.report.shiftId} report={z.report} ack={z.ack} onAcked={reloadZ} />
          <SettlementView
            report={z.report}
            onRetry={() => void call('shift.settle', { shiftId: z.report.shiftId }).catch(fail).then(reloadZ)}
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
          onCancel={() => {
            setForcing(false);
            setConfirming(false);
          }}
        >
          <div className="force-why" data-testid="force-why">
            <p>{t('forceCloseWhy', { n: unsentCount === null ? '?' : String(unsentCount) })}</p>
            <p className="small">{t('forceCloseWhat')}</p>
          </div>
        </OverrideDialog>
      )}
    </div>
  );
}
