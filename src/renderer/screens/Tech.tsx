/**
 * The field technician's screen: every device with kind, transport, path, state, last event and
 * its configured spec; PC/SC availability; what is plugged in; self-tests; the live event log;
 * device settings; the diagnostics bundle (downloaded by the browser as a JSON file).
 */
import { useEffect, useState } from 'react';
import { useTill } from '../store';
import { useT } from '../components/useLang';
import { useFormat } from '../format';
import { call, loadDevices } from '../actions';
import { BridgeError } from '../bridge';
import type { Res } from '../../shared/contract';
import { TechTests } from './TechTests';
import { TechLog } from './TechLog';
import { TechSettings } from './TechSettings';
import { TechJournal } from './TechJournal';

type Overview = Res<'tech.devices'>;
type Discovered = Res<'tech.discover'>;

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function Tech() {
  const { t, err } = useT();
  const f = useFormat();
  const list = useTill((s) => s.devices.list);
  const [overview, setOverview] = useState<Overview | null>(null);
  const [found, setFound] = useState<Discovered | null>(null);
  const [note, setNote] = useState('');
  const [exporting, setExporting] = useState(false);
  // The bundle gathers the log, the devices and the journal check: it can take a while, so the
  // button says it is working, and a failure is said rather than nothing happening.
  const exportDiagnostics = () => {
    setExporting(true);
    setNote(t('diagnosticsWorking'));
    void call('tech.diagnostics', {})
      .then(
        (r) => {
          download(r.fileName, r.json);
          setNote(t('diagnosticsSaved', { file: r.fileName }));
        },
        (e: unknown) => setNote(e instanceof BridgeError ? err(e.error.code) : String(e)),
      )
      .finally(() => setExporting(false));
  };
  const refresh = () => void call('tech.devices', {}).then(setOverview, () => {});
  useEffect(() => {
    void loadDevices();
    refresh();
  }, []);
  const spec = (id: string) => overview?.devices.find((d) => d.id === id)?.config?.spec;

  return (
    <main className="tech" data-testid="tech">
      <section className="wide">
        <h2>{t('devices')}</h2>
        <table className="grid" data-testid="tech-devices">
          <thead>
            <tr>
              <th>{t('col_id')}</th>
              <th>{t('col_kind')}</th>
              <th>{t('col_transport')}</th>
              <th>{t('col_path')}</th>
              <th>{t('col_state')}</th>
              <th>{t('col_last')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.id} data-testid={`tech-device-${d.id}`} data-state={d.state}>
                <td className="mono">{d.id}</td>
                <td>{f.deviceKind(d.kind)}</td>
                <td>{f.transport(d.transport)}</td>
                <td className="mono">
                  {d.path}
                  {spec(d.id) && spec(d.id) !== d.path && <div className="muted small">{spec(d.id)}</div>}
                </td>
                <td>
                  <span className={`pill state-${d.state}`}>{f.deviceState(d.state)}</span>
                  {d.detail && (
                    <div className="muted small mono" title={t('deviceDetail')}>
                      {d.detail}
                    </div>
                  )}
                </td>
                <td className="small">
                  {f.deviceEvent(d.lastEventSummary)}
                  {d.lastEventAt && <div className="muted">{f.time(d.lastEventAt)}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {overview && (
          <p className="small" data-testid="tech-pcsc" data-available={overview.pcsc.available}>
            {t('pcscState')}: {t(overview.pcsc.available ? 'pcscAvailable' : 'pcscMissing')}{' '}
            <span className="mono muted">{overview.pcsc.detail}</span>
          </p>
        )}
        <div className="row">
          <button
            className="btn small"
            onClick={() => void call('tech.discover', {}).then(setFound)}
            data-testid="tech-discover"
          >
            {t('discover')}
          </button>
          <button
            className="btn small"
            data-testid="tech-diagnostics"
            disabled={exporting}
            onClick={exportDiagnostics}
          >
            {t('diagnostics')}
          </button>
          {note && (
            <span className="muted small" data-testid="tech-note">
              {note}
            </span>
          )}
        </div>
        {found && (
          <div data-testid="tech-discovered">
            {found.notes.map((n) => (
              <p key={n.code} className="notice small" data-testid={`tech-discover-note-${n.code}`}>
                {t(`discNote_${n.code}`)} <span className="mono muted">{n.detail}</span>
              </p>
            ))}
            <ul className="small">
              {found.devices.length === 0 && <li>{t('none')}</li>}
              {found.devices.map((d) => (
                <li key={d.spec}>
                  <span className="mono">{d.spec}</span> — <span className="mono muted">{d.detail}</span>
                  {d.configuredAs && (
                    <>
                      {' '}
                      {t('discConfiguredAs')} <span className="mono">{d.configuredAs}</span>
                    </>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
      <TechTests />
      <TechJournal />
      <TechSettings overview={overview} onSaved={refresh} />
      <TechLog />
    </main>
  );
}
