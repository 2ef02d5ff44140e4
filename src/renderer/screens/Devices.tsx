import { useEffect } from 'react';
import { useTill } from '../store';
import { useT } from '../components/useLang';
import { loadDevices } from '../actions';

/** Every device with kind, transport, path, state and last event (the technician's first view). */
export function Devices() {
  const { t } = useT();
  const list = useTill((s) => s.devices.list);
  useEffect(() => void loadDevices(), []);
  return (
    <section className="devices" data-testid="devices">
      <h2>{t('devices')}</h2>
      <table className="grid">
        <thead>
          <tr>
            <th>ID</th>
            <th>Kind</th>
            <th>Transport</th>
            <th>Path</th>
            <th>State</th>
            <th>Last event</th>
          </tr>
        </thead>
        <tbody>
          {list.map((d) => (
            <tr key={d.id} data-testid={`device-${d.id}`} data-state={d.state}>
              <td className="mono">{d.id}</td>
              <td>{d.kind}</td>
              <td>{d.transport}</td>
              <td className="mono">{d.path}</td>
              <td>
                <span className={`pill state-${d.state}`}>{t(`state_${d.state}`)}</span>
                {d.detail && <div className="muted small">{d.detail}</div>}
              </td>
              <td className="small">{d.lastEvent ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
