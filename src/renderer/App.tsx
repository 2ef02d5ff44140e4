import { useEffect, useState } from 'react';
import { useTill } from './store';
import { getBridge } from './bridge';
import { refreshSession, loadDevices, resolveTornChip } from './actions';
import { TopBar } from './components/TopBar';
import { DeviceSimPanel } from './components/DeviceSimPanel';
import { SignIn } from './screens/SignIn';
import { screensFor } from './screens/registry';
import { useT } from './components/useLang';
import { installWedge } from './wedge';
import { wedgeFrame } from './device-actions';

function subscribe(): () => void {
  const s = useTill.getState();
  const b = getBridge((connection) => {
    useTill.getState().setSession({ connection });
    if (connection === 'open') void refreshSession().then(loadDevices);
  });
  const offs = [
    b.on('session.changed', (info) => {
      const before = useTill.getState().session.info?.operator?.id;
      useTill.getState().setSession({ info });
      if (info.operator && info.operator.id !== before) void loadDevices();
    }),
    b.on('card.presented', (card) => {
      useTill.getState().setCashier({ card, error: null });
      if (useTill.getState().cashier.chipTorn) void resolveTornChip(card);
    }),
    b.on('card.cleared', () => useTill.getState().setCashier({ card: null })),
    b.on('devices.changed', (list) => useTill.getState().setDevices({ list })),
    b.on('device.error', (e) => {
      useTill.getState().setDevices({ lastError: { ...e, at: Date.now() } });
      // Printer problems have their own notice (held receipts, components/DeviceNotices.tsx).
      if (!e.code.startsWith('PRINTER_'))
        useTill.getState().setCashier({ error: { code: e.code, message: e.code } });
    }),
    b.on('printer.job', (note) => {
      const p = useTill.getState().printer;
      const held = p.held.filter((j) => j.jobId !== note.jobId);
      if (note.state === 'held') useTill.getState().setPrinter({ held: [...held, note] });
      else if (note.state === 'printed') useTill.getState().setPrinter({ held, printedLater: note });
      else {
        useTill.getState().setPrinter({ held }); // lost with a settings change: say so, reprint by STAN
        useTill.getState().setCashier({ error: { code: 'PRINT_JOB_LOST', message: 'PRINT_JOB_LOST' } });
      }
    }),
    b.on('link.changed', () => void refreshSession()),
    b.on('collect.prompt', (p) => useTill.getState().setCashier({ collect: p })),
  ];
  void s;
  return () => offs.forEach((off) => off());
}

export function App() {
  const { t } = useT();
  const info = useTill((s) => s.session.info);
  const connection = useTill((s) => s.session.connection);
  const [screen, setScreen] = useState<string>('');

  useEffect(() => subscribe(), []);
  // Keyboard-wedge scanners/readers: in front of every key handler (src/renderer/wedge.ts).
  useEffect(() => installWedge({ onFrame: (text) => void wedgeFrame(text) }), []);
  const role = info?.operator?.role;
  const screens = screensFor(role);
  const current = screens.find((s) => s.id === screen) ?? screens[0];

  return (
    <div className="app">
      <TopBar />
      {connection === 'closed' && <div className="banner error">{t('disconnected')}</div>}
      {connection === 'no-token' && <div className="banner error">{t('noToken')}</div>}
      {screens.length > 1 && (
        <nav className="screen-tabs">
          {screens.map((s) => (
            <button
              key={s.id}
              className={`tab ${current?.id === s.id ? 'active' : ''}`}
              onClick={() => setScreen(s.id)}
              data-testid={`screen-${s.id}`}
            >
              {t(s.label)}
            </button>
          ))}
        </nav>
      )}
      <div className="body">
        <div className="content">
          {!info ? null : !info.operator ? <SignIn /> : current ? <current.component /> : null}
        </div>
        {info?.demo && info.operator && <DeviceSimPanel />}
      </div>
    </div>
  );
}
