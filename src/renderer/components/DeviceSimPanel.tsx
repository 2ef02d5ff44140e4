/**
 * Demo mode's device simulator: swipe, tap or scan any demo card through the simulated drivers
 * (the bytes go through the same codecs as a real reader's), and cut the issuer link.
 */
import { useTill } from '../store';
import { useT } from './useLang';
import { simulate, setLinkCut } from '../actions';

/**
 * Mirrors src/issuer-sim/demo-cards.ts (the renderer may not import the issuer; a unit test keeps
 * them equal). A tap writes the card's balance into the simulated chip purse too, as a card
 * personalised with its opening balance would carry it; without it every chip read "¥0.00".
 */
export const SIM_CARDS = [
  { pan: '8888010000000017', zh: '正常卡 ¥1,000', en: 'Active ¥1,000', name: 'active', balanceFen: 100000 },
  { pan: '8888010000000025', zh: '余额 ¥8.00', en: 'Low ¥8.00', name: 'low', balanceFen: 800 },
  { pan: '8888010000000033', zh: '挂失卡', en: 'Lost', name: 'lost', balanceFen: 50000 },
  { pan: '8888010000000041', zh: '冻结卡', en: 'Frozen', name: 'frozen', balanceFen: 50000 },
  { pan: '8888010000000058', zh: '过期卡', en: 'Expired', name: 'expired', balanceFen: 50000 },
  { pan: '8888010000000066', zh: '未激活卡', en: 'Not activated', name: 'inactive', balanceFen: 0 },
  { pan: '8888010000000074', zh: '礼品卡 ¥200', en: 'Gift ¥200', name: 'gift', balanceFen: 20000 },
  { pan: '8888010000000082', zh: '未知卡', en: 'Unknown', name: 'unknown', balanceFen: 0 },
  { pan: '8888010000000090', zh: '待售卡', en: 'Unsold card', name: 'shelf1', balanceFen: 0 },
  { pan: '8888010000000116', zh: '待售不记名卡', en: 'Unsold anonymous', name: 'shelf-anon', balanceFen: 0 },
  {
    pan: '8888010000000124',
    zh: '不记名 ¥990',
    en: 'Anonymous ¥990',
    name: 'anon-near-cap',
    balanceFen: 99000,
  },
  { pan: '8888010000000132', zh: '不记名 ¥50', en: 'Anonymous ¥50', name: 'anon-small', balanceFen: 5000 },
  { pan: '8888010000000140', zh: '待售卡 3', en: 'Unsold card 3', name: 'shelf3', balanceFen: 0 },
  // Demo mode's second issuer (ISO 8583, IIN 888802).
  {
    pan: '8888020000000016',
    zh: '银联POS卡 ¥500',
    en: 'ISO 8583 ¥500',
    name: 'iso-active',
    balanceFen: 50000,
  },
  // Its password card: every sale needs 802802, sent as field 52 (README).
  {
    pan: '8888020000000032',
    zh: '银联POS密码卡 ¥500',
    en: 'ISO 8583 password ¥500',
    name: 'iso-password',
    balanceFen: 50000,
  },
  // Card password (issue 12): every sale needs 246810 (README).
  { pan: '8888010000000504', zh: '密码卡 ¥500', en: 'Password ¥500', name: 'password', balanceFen: 50000 },
] as const;

/**
 * The demo e-purse card (PBOC 电子钱包): the balance lives on its (simulated) chip and a sale pays
 * there with the simulated PSAM — both with the demo-only keys of src/drivers/ic/epurse/demo-keys.ts,
 * which are the demo issuer's. The opening balance is written on the first tap only; the chip keeps
 * its balance and sequence from tap to tap, as a real card does.
 */
export const SIM_EPURSE = { pan: '8888020000000010', balanceFen: 10_000 } as const;

export function DeviceSimPanel() {
  const { t, lang } = useT();
  const devices = useTill((s) => s.devices.list);
  const link = useTill((s) => s.session.info?.link);
  const sim = (kind: string) => devices.find((d) => d.simulated && d.kind === kind)?.id;
  const msr = sim('magstripe');
  const ic = sim('ic');
  const scanner = sim('barcode');
  return (
    <aside className="sim-panel" data-testid="sim-panel">
      <h3>{t('simulator')}</h3>
      <table>
        <tbody>
          {SIM_CARDS.map((c) => (
            <tr key={c.pan}>
              <td>
                {lang === 'zh' ? c.zh : c.en}
                <div className="mono muted small">…{c.pan.slice(-4)}</div>
              </td>
              <td className="sim-actions">
                {msr && (
                  <button
                    className="btn small"
                    onClick={() =>
                      void simulate(msr, {
                        action: 'swipe',
                        pan: c.pan,
                        expiry: c.name === 'expired' ? '2312' : '3012',
                      })
                    }
                    data-testid={`sim-swipe-${c.name}`}
                  >
                    {t('swipe')}
                  </button>
                )}
                {ic && (
                  <button
                    className="btn small"
                    onClick={() =>
                      void simulate(ic, {
                        action: 'tap',
                        pan: c.pan,
                        balanceFen: c.balanceFen,
                        expiry: c.name === 'expired' ? '2312' : '3012',
                      })
                    }
                    data-testid={`sim-tap-${c.name}`}
                  >
                    {t('tap')}
                  </button>
                )}
                {scanner && (
                  <button
                    className="btn small"
                    onClick={() => void simulate(scanner, { action: 'scan', payload: c.pan })}
                    data-testid={`sim-scan-${c.name}`}
                  >
                    {t('scan')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {ic && (
        <div className="sim-epurse" data-testid="sim-epurse">
          {t('simEpurse')}
          <div className="mono muted small">…{SIM_EPURSE.pan.slice(-4)}</div>
          <button
            className="btn small"
            onClick={() =>
              void simulate(ic, {
                action: 'tap',
                pan: SIM_EPURSE.pan,
                epurse: true,
                balanceFen: SIM_EPURSE.balanceFen,
              })
            }
            data-testid="sim-tap-epurse"
          >
            {t('tap')}
          </button>
          <button
            className="btn small"
            onClick={() =>
              void simulate(ic, {
                action: 'tap',
                pan: SIM_EPURSE.pan,
                epurse: true,
                balanceFen: SIM_EPURSE.balanceFen,
                tearAt: 'debit',
              })
            }
            data-testid="sim-tap-epurse-tear"
          >
            {t('simTearDebit')}
          </button>
          <button
            className="btn small"
            onClick={() => void simulate(ic, { action: 'remove' })}
            data-testid="sim-remove"
          >
            {t('simRemove')}
          </button>
        </div>
      )}
      {msr && (
        <button
          className="btn small"
          onClick={() => void simulate(msr, { action: 'swipe', pan: SIM_CARDS[0].pan, garbled: true })}
          data-testid="sim-garbled"
        >
          {t('garbled')}
        </button>
      )}
      <button
        className={`btn small ${link === 'cut' ? 'primary' : ''}`}
        onClick={() => void setLinkCut(link !== 'cut')}
        data-testid="sim-link"
      >
        {link === 'cut' ? t('restoreLink') : t('cutLink')}
      </button>
    </aside>
  );
}
