/**
 * The technician's self-tests: test page, "present a card" read test, wedge scan test, and the
 * issuers: every entry's endpoints, last sign-on and link, and an echo to each (TechIssuers.tsx).
 */
import { useEffect, useState } from 'react';
import { useTill } from '../store';
import { useT } from '../components/useLang';
import { call } from '../actions';
import { onWedgeRead, type WedgeRead } from '../device-actions';
import type { Res } from '../../shared/contract';
import { formatMoney } from '../../shared/money';
import { useFormat } from '../format';
import { TechIssuers } from './TechIssuers';

type ReadResult = Res<'tech.readTest'>;
type Format = ReturnType<typeof useFormat>;

/**
 * A read in words. The chip balance is the purse the card itself carries (EF of the stored-value
 * application), not the issuer's account: the screen says which one it is, since the two differ
 * (a card topped up at the issuer shows the host balance only after the chip is written).
 */
function describeRead(
  r: ReadResult,
  t: ReturnType<typeof useT>['t'],
  err: (c: string) => string,
  f: Format,
): string {
  if (r.outcome === 'timeout') return t('readTestTimeout');
  if (r.outcome === 'error') return `${err(r.code ?? 'IO_ERROR')}${r.detail ? ` (${r.detail})` : ''}`;
  if (r.outcome === 'receipt') return t('receiptCode');
  const parts = [
    r.masked,
    r.entryMode && f.entryMode(r.entryMode),
    r.expiry && t('readExpiry', { yymm: r.expiry }),
    r.atr && `ATR ${r.atr}`,
    r.uid && `UID ${r.uid}`,
  ];
  if (r.chipBalanceFen !== undefined)
    parts.push(t('readChipBalance', { amount: formatMoney(r.chipBalanceFen) }));
  return parts.filter(Boolean).join(' · ');
}

export function TechTests() {
  const { t, err } = useT();
  const f = useFormat();
  const devices = useTill((s) => s.devices.list);
  const printers = devices.filter((d) => d.kind === 'printer');
  const readers = devices.filter((d) => d.kind !== 'printer');
  const [printer, setPrinter] = useState('');
  const [reader, setReader] = useState('');
  const [printOut, setPrintOut] = useState('');
  const [readOut, setReadOut] = useState('');
  const [wedgeOut, setWedgeOut] = useState('');
  const [echoOut, setEchoOut] = useState('');
  const [issuers, setIssuers] = useState<Res<'tech.issuers'>['issuers']>([]);
  const loadIssuers = () =>
    void call('tech.issuers', {}).then(
      (r) => setIssuers(r.issuers),
      () => {},
    );
  useEffect(loadIssuers, []);
  const printerId = printer || printers[0]?.id || '';
  const readerId = reader || readers[0]?.id || '';

  useEffect(
    () =>
      onWedgeRead((r: WedgeRead) =>
        setWedgeOut(
          r.ok
            ? r.result.kind === 'card'
              ? `${r.result.masked} · ${f.entryMode(r.result.entryMode)}`
              : t('receiptCode')
            : err(r.error.code),
        ),
      ),
    [t, err, f.lang],
  );

  return (
    // Full width: the issuer table inside (TechIssuers) has eight columns, squeezed to one
    // character a line in half of a 1024 px screen.
    <section className="tech-tests wide" data-testid="tech-tests">
      <h3>{t('selfTests')}</h3>
      <div className="row">
        <select
          value={printerId}
          onChange={(e) => setPrinter(e.target.value)}
          data-testid="tech-print-device"
        >
          {printers.map((d) => (
            <option key={d.id} className="mono">
              {d.id}
            </option>
          ))}
        </select>
        <button
          className="btn small"
          disabled={!printerId}
          data-testid="tech-print-test"
          onClick={() => {
            setPrintOut(t('testing'));
            void call('tech.printTest', { deviceId: printerId }).then(
              (r) => setPrintOut(r.printed ? t('printed') : err(r.reason ?? 'PRINTER_OFFLINE')),
              (e: { error?: { code: string } }) => setPrintOut(err(e.error?.code ?? 'INTERNAL')),
            );
          }}
        >
          {t('printTest')}
        </button>
        <span className="tech-result" data-testid="tech-print-result">
          {printOut}
        </span>
      </div>
      <div className="row">
        <select value={readerId} onChange={(e) => setReader(e.target.value)} data-testid="tech-read-device">
          {readers.map((d) => (
            <option key={d.id} className="mono">
              {d.id}
            </option>
          ))}
        </select>
        <button
          className="btn small"
          disabled={!readerId}
          data-testid="tech-read-test"
          onClick={() => {
            setReadOut(t('readTestWaiting', { device: readerId }));
            void call('tech.readTest', { deviceId: readerId, timeoutSeconds: 60 }).then(
              (r) => setReadOut(describeRead(r, t, err, f)),
              (e: { error?: { code: string } }) => setReadOut(err(e.error?.code ?? 'INTERNAL')),
            );
          }}
        >
          {t('readTest')}
        </button>
        <span className="tech-result" data-testid="tech-read-result">
          {readOut}
        </span>
      </div>
      <div className="row">
        <span>{t('scanTest')}:</span>
        <span className="tech-result mono" data-testid="tech-wedge-result">
          {wedgeOut || t('scanTestHint')}
        </span>
      </div>
      <div className="row">
        <button
          className="btn small"
          data-testid="tech-echo"
          onClick={() => {
            setEchoOut(t('testing'));
            // An echo to every issuer at once: the summary is the home one's, or the first failing.
            void call('tech.issuers', { echo: true }).then((r) => {
              setIssuers(r.issuers);
              const echoes = r.issuers.flatMap((i) => (i.echo ? [i.echo] : []));
              const failed = echoes.find((e) => !e.ok);
              const shown = failed ?? echoes[0];
              if (!shown) return setEchoOut('');
              // An entry with a backup: the failing host's own round trip, and which host it is.
              const host = shown.endpoints.length > 1 ? shown.endpoints.find((x) => !x.ok) : undefined;
              const ms = String((host ?? shown).rttMs);
              setEchoOut(
                shown.ok
                  ? t('echoOk', { ms })
                  : `${r.issuers.length > 1 ? `${shown.name}: ` : ''}${host ? `${t(host.role === 'primary' ? 'techPrimary' : 'techBackup')} ` : ''}${t('echoFail', { ms })} ${err(shown.code ?? 'ISSUER_UNREACHABLE')}`,
              );
            });
          }}
        >
          {t('echo')}
        </button>
        <span className="tech-result" data-testid="tech-echo-result">
          {echoOut}
        </span>
      </div>
      <TechIssuers issuers={issuers} onChanged={loadIssuers} />
    </section>
  );
}
