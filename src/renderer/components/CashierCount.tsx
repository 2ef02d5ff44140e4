/**
 * Cashier: "点钞交班" — count the drawer at the end of the shift (blind: the cashier sees what
 * they counted, never what was expected nor the variance). The manager closes the shift with it.
 * Shown only while a shift is open.
 */
import { useEffect, useState } from 'react';
import { call } from '../actions';
import { useT } from './useLang';
import { CountDrawer } from './CountDrawer';

export function CashierCount() {
  const { t } = useT();
  const [shiftOpen, setShiftOpen] = useState(false);
  const [stage, setStage] = useState<'closed' | 'counting' | 'recorded'>('closed');

  useEffect(() => {
    void call('shift.current', {})
      .then((s) => setShiftOpen(s?.status === 'open'))
      .catch(() => setShiftOpen(false));
  }, []);

  if (!shiftOpen) return null;
  if (stage === 'counting')
    return (
      <section className="cashier-count" data-testid="cashier-count">
        <CountDrawer onRecorded={() => setStage('recorded')} onCancel={() => setStage('closed')} />
      </section>
    );
  return (
    <div className="row">
      <button className="btn" onClick={() => setStage('counting')} data-testid="count-open">
        {stage === 'recorded' ? t('cntAgain') : t('cntOpen')}
      </button>
      {stage === 'recorded' && (
        <span className="ok-note" role="status" data-testid="count-recorded">
          {t('cntRecorded')}
        </span>
      )}
    </div>
  );
}
