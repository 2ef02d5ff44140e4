/**
 * The idle sign-out, announced (issue 11 #11). Idle means no person at the till: no key, no tap,
 * no card presented — background polls (the no-shift check, device lists) do not count, though
 * they keep the core's own session alive. 30 s before SessionInfo.idleSignOutSeconds have passed
 * without a person, a banner counts down; any key or tap keeps the session (and tells the core,
 * so its idle clock agrees). At zero the screen signs out as "idle" and clears the sale
 * (actions.idleSignOut), so the next operator starts clean.
 */
import { useEffect, useRef, useState } from 'react';
import { useTill } from '../store';
import { useT } from './useLang';
import { keepSession, idleSignOut, lastCoreCall } from '../actions';

export const IDLE_WARN_SECONDS = 30;

export function IdleWarning() {
  const { t } = useT();
  const idleSeconds = useTill((s) => s.session.info?.idleSignOutSeconds ?? 0);
  const [left, setLeft] = useState<number | null>(null);
  const lastPerson = useRef(Date.now());

  useEffect(() => {
    if (idleSeconds <= 0) return;
    let signingOut = false;
    const tick = () => {
      const remaining = Math.ceil(idleSeconds - (Date.now() - lastPerson.current) / 1000);
      if (remaining <= 0 && !signingOut) {
        signingOut = true;
        void idleSignOut();
      }
      setLeft(remaining <= IDLE_WARN_SECONDS ? Math.max(0, remaining) : null);
    };
    const personWasHere = () => {
      const now = Date.now();
      lastPerson.current = now;
      // The core's idle clock runs on calls; typing an amount makes none. At most one nudge per 5 s.
      if (now - lastCoreCall() > 5000) void keepSession();
      setLeft(null);
    };
    // A card presented on a reader is a person at the till too.
    const offCard = useTill.subscribe((s, prev) => {
      if (s.cashier.card && s.cashier.card !== prev.cashier.card) personWasHere();
    });
    window.addEventListener('keydown', personWasHere, true);
    window.addEventListener('pointerdown', personWasHere, true);
    const timer = setInterval(tick, 1000);
    return () => {
      clearInterval(timer);
      offCard();
      window.removeEventListener('keydown', personWasHere, true);
      window.removeEventListener('pointerdown', personWasHere, true);
    };
  }, [idleSeconds]);

  if (left === null) return null;
  return (
    <div className="banner warn idle-warning" role="alert" data-testid="idle-warning">
      {t('idleWarn', { seconds: String(left) })}
    </div>
  );
}
