/**
 * What the cashier must know about the devices, in plain words: receipts the printer holds (and
 * that they print by themselves once it is fixed), a held receipt that has now printed, devices
 * that are not working (with what to do), and "reprint last receipt".
 */
import { useTill } from '../store';
import { useT } from './useLang';
import { reprintLast } from '../device-actions';
import type { WordKey } from '../i18n';

export function DeviceNotices() {
  const { t, err } = useT();
  const held = useTill((s) => s.printer.held);
  const printedLater = useTill((s) => s.printer.printedLater);
  const devices = useTill((s) => s.devices.list);
  const problems = devices.filter((d) => d.state !== 'connected' && !(d.kind === 'printer' && held.length));
  const reason = held.at(-1)?.reason;
  return (
    <div className="device-notices" data-testid="device-notices">
      {held.length > 0 && (
        <div className="banner warn" role="alert" data-testid="printer-held">
          {reason ? `${err(reason)} · ` : ''}
          {t('heldReceipts', { n: String(held.length) })}
        </div>
      )}
      {held.length === 0 && printedLater && (
        <div className="banner ok" role="status" data-testid="printer-printed-later">
          {t('heldPrinted')}
        </div>
      )}
      {problems.map((d) => (
        <div key={d.id} className="banner error" role="alert" data-testid={`device-problem-${d.id}`}>
          {t(`kind_${d.kind}` as WordKey)} {d.id}: {t(`state_${d.state}` as WordKey)} —{' '}
          {t(`hint_${d.state}` as WordKey)}
          {d.detail && <div className="small">{d.detail}</div>}
        </div>
      ))}
      <button className="btn small" onClick={() => void reprintLast()} data-testid="reprint-last">
        {t('reprintLast')}
      </button>
    </div>
  );
}
