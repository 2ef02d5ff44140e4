import { useEffect } from 'react';
import { useTill } from '../store';
import { useT } from '../components/useLang';
import { useFormat } from '../format';
import { loadDevices } from '../actions';

/** Every device with kind, transport, path, state and last event (the technician's first view). */
export function Devices() {
  const { t } = useT();
  const f = useFormat();
  const list = useTill((s) => s.devices.list);
  useEffect(() => void loadDevices(), []);
  return (
    <section className="devices" data-testid="devices">
      <h2>{t('devices')}</h2>
      <table className="grid">
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
            <tr key={d.id} data-testid={`device-${d.id}`} data-state={d.state}>
              <td className="mono">{d.id}</td>
              <td>{f.deviceKind(d.kind)}</td>
              <td>{f.transport(d.transport)}</td>
              <td className="mono">{d.path}</td>
              <td>
                <span className={`pill state-${d.state}`}>{f.deviceState(d.state)}</span>
                {d.detail && (
                  <div className="muted small" title={t('deviceDetail')}>
                    <span className="mono">{d.detail}</span>
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
    </section>
  );
}
