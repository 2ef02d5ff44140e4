/**
 * Device settings: a device's address and its settings as a form drawn from the device's kind and
 * transport (src/shared/device-fields.ts: baud, framing, width…), saved to <data-dir>/devices.json
 * by the core and applied at once by restarting that one driver (the other devices keep running).
 * Options the form does not know are kept as they are.
 */
import { useState } from 'react';
import { useT } from '../components/useLang';
import { useFormat } from '../format';
import { call } from '../actions';
import type { Res, TechDeviceConfig } from '../../shared/contract';
import {
  deviceFields,
  specQuery,
  specTransport,
  withSpecQuery,
  type DeviceField,
} from '../../shared/device-fields';
import { WORDS, type WordKey } from '../i18n';

type Overview = Res<'tech.devices'>;
type Values = Record<string, string>;

/** The form's values of a configuration: spec settings from the query, the rest from options. */
function valuesOf(c: TechDeviceConfig): Values {
  const out: Values = {};
  const q = specQuery(c.spec);
  for (const f of deviceFields(c.kind, specTransport(c.spec))) {
    const v = f.place === 'spec' ? q.get(f.key) : c.options?.[f.key];
    if (v !== undefined && v !== null) out[f.key] = String(v);
  }
  return out;
}

/** Parses one field's text for the options object; undefined = not set (driver default). */
function optionValue(f: DeviceField, text: string): unknown {
  if (text === '') return undefined;
  if (f.type === 'bool') return text === 'true';
  if (f.type === 'number' || (f.type === 'select' && typeof f.choices?.[0] === 'number')) return Number(text);
  return text;
}

export function TechSettings({ overview, onSaved }: { overview: Overview | null; onSaved: () => void }) {
  const { t, err } = useT();
  const fmt = useFormat();
  const configs = (overview?.devices ?? []).flatMap((d) => (d.config ? [d.config] : []));
  const [id, setId] = useState('');
  const [address, setAddress] = useState('');
  const [values, setValues] = useState<Values>({});
  const [note, setNote] = useState('');
  const choose = (c: TechDeviceConfig | undefined) => {
    setId(c?.id ?? '');
    setAddress(c ? c.spec.split('?')[0] : '');
    setValues(c ? valuesOf(c) : {});
    setNote('');
  };
  const current = configs.find((c) => c.id === id);
  const fields = current ? deviceFields(current.kind, specTransport(address)) : [];

  const save = async () => {
    if (!current) return;
    // The spec: the address with the spec-place settings as its query (others kept as they were).
    const query = specQuery(current.spec.split('?')[0] === address ? current.spec : address);
    const options: Record<string, unknown> = { ...(current.options ?? {}) };
    for (const f of fields) {
      const text = values[f.key] ?? '';
      if (f.place === 'spec') query.set(f.key, text);
      else {
        const v = optionValue(f, text);
        if (v === undefined) delete options[f.key];
        else options[f.key] = v;
      }
    }
    const spec = withSpecQuery(address.trim(), query);
    try {
      const info = await call('tech.setDevice', {
        config: {
          id: current.id,
          kind: current.kind,
          spec,
          ...(Object.keys(options).length ? { options } : {}),
        },
      });
      setNote(`${t('savedDevice')}: ${fmt.deviceState(info.state)}${info.detail ? ` (${info.detail})` : ''}`);
      onSaved();
    } catch (e) {
      const error = (e as { error?: { code: string; detail?: string } }).error;
      setNote(`${err(error?.code ?? 'INTERNAL')}${error?.detail ? `: ${error.detail}` : ''}`);
    }
  };

  const input = (f: DeviceField) => {
    const value = values[f.key] ?? '';
    const set = (v: string) => setValues((old) => ({ ...old, [f.key]: v }));
    const testId = `tech-field-${f.key}`;
    if (f.type === 'select' || f.type === 'bool') {
      const choices = f.type === 'bool' ? ['true', 'false'] : (f.choices ?? []).map(String);
      return (
        <select value={value} onChange={(e) => set(e.target.value)} data-testid={testId}>
          <option value="">{t('fieldDefault')}</option>
          {choices.map((c) => (
            <option key={c} value={c}>
              {choiceWord(f.key, c)}
            </option>
          ))}
        </select>
      );
    }
    return (
      <input
        className="mono"
        type={f.type === 'number' ? 'number' : 'text'}
        value={value}
        min={f.min}
        max={f.max}
        maxLength={f.type === 'text' ? f.max : undefined}
        onChange={(e) => set(e.target.value)}
        data-testid={testId}
      />
    );
  };
  /** Values with words (parity, framing, mode, width, yes/no); rates and bit counts read the same. */
  const choiceWord = (key: string, c: string): string => {
    const k = `choice_${key}_${c}`;
    return Object.prototype.hasOwnProperty.call(WORDS, k) ? t(k as WordKey) : c;
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
        <option value="">{t('chooseDevice')}</option>
        {configs.map((c) => (
          <option key={c.id} value={c.id}>
            {c.id} · {fmt.deviceKind(c.kind)}
          </option>
        ))}
      </select>
      {current && (
        <div className="tech-form">
          <label>
            {t('spec')}
            <input
              className="mono"
              value={address}
              onChange={(e) => setAddress(e.target.value)}
              data-testid="tech-settings-spec"
            />
          </label>
          {fields.length === 0 && <p className="muted small">{t('noDeviceSettings')}</p>}
          {fields.map((f) => (
            <label key={f.key}>
              {t(`field_${f.key}` as WordKey)}
              {input(f)}
            </label>
          ))}
          <button className="btn small primary" onClick={() => void save()} data-testid="tech-settings-save">
            {t('saveDevice')}
          </button>
        </div>
      )}
      {note && (
        <p className="small" data-testid="tech-settings-note">
          {note}
        </p>
      )}
    </section>
  );
}
