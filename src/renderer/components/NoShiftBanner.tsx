/**
 * The cashier's warning that no shift is open (issue 11 item 20). Selling is not blocked: a sale
 * made with no shift open is counted in the next shift and flagged "before open" on its X/Z
 * (a shift is a STAN range, so nothing is ever outside one) — blocking would stop a store whose
 * manager is away from taking money at all. The cashier is told, in plain words, and asked to
 * fetch the manager. docs/manager.md "Selling with no shift open".
 * Checks on mount and every 15 s (another till or the manager's screen may open the shift).
 */
import { useEffect, useState } from 'react';
import { call } from '../actions';
import { useT } from './useLang';
import './manager/manager.css';

export function NoShiftBanner() {
  const { t } = useT();
  const [open, setOpen] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    const check = () =>
      void call('shift.current', {})
        .then((s) => live && setOpen(s !== null))
        .catch(() => {});
    check();
    const timer = setInterval(check, 15_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  if (open !== false) return null;
  return (
    <div className="banner warn no-shift-banner" role="alert" data-testid="no-shift-banner">
      {t('noShiftBanner')}
    </div>
  );
}
