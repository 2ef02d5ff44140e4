/**
 * The idle sign-out, announced: 30 s before the core would sign the operator out for inactivity
 * (SessionInfo.idleSignOutSeconds), a banner counts down; any key or tap keeps the session (it
 * tells the core, whose idle clock is reset by every signed-in call). At zero the screen signs
 * out itself and clears the sale (actions.idleSignOut), so the next operator starts clean.
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
  const lastInput = useRef(0);
  const warning = useRef(false);
  warning.current = left !== null;

  useEffect(() => {
    if (idleSeconds <= 0) return;
    let signingOut = false;
    const tick = () => {
      const now = Date.now();
      // A person was here since the core last heard from us: tell it (at most every few seconds,
      // or at once while the warning shows).
      if (lastInput.current > lastCoreCall() && (now - lastCoreCall() > 5000 || warning.current))
        void keepSession();
      const remaining = Math.ceil(idleSeconds - (now - lastCoreCall()) / 1000);
      if (remaining <= 0 && !signingOut) {
        signingOut = true;
        void idleSignOut();
      }
      setLeft(remaining <= IDLE_WARN_SECONDS ? Math.max(0, remaining) : null);
    };
    const onInput = () => {
      lastInput.current = Date.now();
      if (warning.current) {
        void keepSession();
        setLeft(null);
      }
    };
    window.addEventListener('keydown', onInput, true);
    window.addEventListener('pointerdown', onInput, true);
    const timer = setInterval(tick, 1000);
    return () => {
      clearInterval(timer);
      window.removeEventListener('keydown', onInput, true);
      window.removeEventListener('pointerdown', onInput, true);
    };
  }, [idleSeconds]);

  if (left === null) return null;
  return (
    <div className="banner warn idle-warning" role="alert" data-testid="idle-warning">
      {t('idleWarn', { seconds: String(left) })}
    </div>
  );
}
