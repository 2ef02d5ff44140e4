/**
 * Device settings: a device's spec and options, saved to <data-dir>/devices.json by the core and
 * applied at once by restarting that one driver (the other devices keep running).
 */
import { useState } from 'react';
import { useT } from '../components/useLang';
import { call } from '../actions';
import type { Res, TechDeviceConfig } from '../../shared/contract';

type Overview = Res<'tech.devices'>;

export function TechSettings({ overview, onSaved }: { overview: Overview | null; onSaved: () => void }) {
  const { t, err } = useT();
  const configs = (overview?.devices ?? []).flatMap((d) => (d.config ? [d.config] : []));
  const [id, setId] = useState('');
  const [spec, setSpec] = useState('');
  const [options, setOptions] = useState('');
  const [note, setNote] = useState('');
  const choose = (c: TechDeviceConfig | undefined) => {
    setId(c?.id ?? '');
    setSpec(c?.spec ?? '');
    setOptions(c?.options ? JSON.stringify(c.options) : '');
    setNote('');
  };
  const current = configs.find((c) => c.id === id);

  const save = async () => {
    if (!current) return;
    let opts: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = options.trim() ? JSON.parse(options) : undefined;
      if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)))
        throw new Error('not an object');
      opts = parsed as Record<string, unknown> | undefined;
    } catch {
      setNote(t('badOptions'));
      return;
    }
    try {
      const info = await call('tech.setDevice', {
        config: { id: current.id, kind: current.kind, spec: spec.trim(), ...(opts ? { options: opts } : {}) },
      });
      setNote(`${t('savedDevice')}: ${info.state}${info.detail ? ` (${info.detail})` : ''}`);
      onSaved();
    } catch (e) {
      const error = (e as { error?: { code: string; detail?: string } }).error;
      setNote(`${err(error?.code ?? 'INTERNAL')}${error?.detail ? `: ${error.detail}` : ''}`);
    }
  };

  return (
    <section data-testid="tech-settings">
      <h3>{t('settings')}</h3>
      {overview && <p className="muted small">{t('settingsWhere', { file: overview.overlayFile })}</p>}
      <select
        value={id}
        onChange={(e) => choose(configs.find((c) => c.id === e.target.value))}
        data-testid="tech-settings-device"
      >
        <option value="">—</option>
        {configs.map((c) => (
          <option key={c.id} value={c.id}>
            {c.id} ({c.kind})
          </option>
        ))}
      </select>
      {current && (
        <>
          <label>
            {t('spec')}
            <input
              className="mono"
              value={spec}
              onChange={(e) => setSpec(e.target.value)}
              data-testid="tech-settings-spec"
            />
          </label>
          <label>
            {t('options')}
            <input
              className="mono"
              value={options}
              onChange={(e) => setOptions(e.target.value)}
              placeholder='{"framing":"stx-etx"}'
              data-testid="tech-settings-options"
            />
          </label>
          <button className="btn small primary" onClick={() => void save()} data-testid="tech-settings-save">
            {t('saveDevice')}
          </button>
        </>
      )}
      {note && (
        <p className="small" data-testid="tech-settings-note">
          {note}
        </p>
      )}
    </section>
  );
}
