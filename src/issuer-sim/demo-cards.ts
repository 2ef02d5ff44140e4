/**
 * The demo issuer's cards. Numbers are IIN 888801 + serial + Luhn digit (ISO/IEC 7812-1); the
 * cards of IIN 888802 (DEMO_ISO_IIN) are the ones demo mode routes to its second issuer, the ISO
 * 8583 face (src/main/demo-iso-issuer.ts) — same ledger, their own range.
 * The README lists them; tests and the device simulator use them by name.
 */
import { luhnCheckDigit } from '../shared/card';
/** `closed`: cashed out (退卡); `replaced`: its balance moved to a new card (换卡). Both are for good. */
export type CardStatus = 'active' | 'lost' | 'frozen' | 'expired' | 'not_activated' | 'closed' | 'replaced';

export interface DemoCard {
  name: string;
  pan: string;
  status: CardStatus;
  balanceFen: number;
  /** YYMM */
  expiry: string;
  label: { zh: string; en: string };
  /** Registered (记名) unless false: anonymous cards are capped at ¥1,000.00 (src/shared/card-rules.ts). */
  registered?: boolean;
  /**
   * The cardholder's 6-digit password (issue 12, 密码支付), set at the issuer when the ledger is new
   * (src/issuer-sim/handlers-password.ts; stored hashed): every sale needs it, or only a sale over
   * `requiredOverFen`.
   */
  password?: { pin: string; requiredOverFen?: number };
}

/**
 * A shelf of unsold gift cards with consecutive numbers, for batch activation (批量售卡: the range
 * 8888 0100 0000 9018 … 8888 0100 0000 9125, serials 901–912, each with its own Luhn digit).
 * Named batch01 … batch12.
 */
export const BATCH_SHELF_SIZE = 12;
function batchShelf(): DemoCard[] {
  return Array.from({ length: BATCH_SHELF_SIZE }, (_, i) => {
    const body = `888801${String(901 + i).padStart(9, '0')}`;
    const n = String(i + 1).padStart(2, '0');
    return {
      name: `batch${n}`,
      pan: body + String(luhnCheckDigit(body)),
      status: 'not_activated' as const,
      balanceFen: 0,
      expiry: '3012',
      // Gift cards bought by the box are anonymous (不记名): a registered card needs its buyer's ID.
      registered: false,
      label: { zh: `批量待售卡 ${n}`, en: `Batch shelf card ${n}` },
    };
  });
}

export const DEMO_CARDS: readonly DemoCard[] = [
  {
    name: 'active',
    pan: '8888010000000017',
    status: 'active',
    balanceFen: 100_000,
    expiry: '3012',
    label: { zh: '正常卡 ¥1,000.00', en: 'Active ¥1,000.00' },
  },
  {
    name: 'low',
    pan: '8888010000000025',
    status: 'active',
    balanceFen: 800,
    expiry: '3012',
    label: { zh: '余额不足卡 ¥8.00', en: 'Low balance ¥8.00' },
  },
  {
    name: 'lost',
    pan: '8888010000000033',
    status: 'lost',
    balanceFen: 50_000,
    expiry: '3012',
    label: { zh: '挂失卡', en: 'Lost card' },
  },
  {
    name: 'frozen',
    pan: '8888010000000041',
    status: 'frozen',
    balanceFen: 50_000,
    expiry: '3012',
    label: { zh: '冻结卡', en: 'Frozen card' },
  },
  {
    name: 'expired',
    pan: '8888010000000058',
    status: 'active',
    balanceFen: 50_000,
    expiry: '2312',
    label: { zh: '过期卡', en: 'Expired card' },
  },
  {
    name: 'inactive',
    pan: '8888010000000066',
    status: 'not_activated',
    balanceFen: 0,
    expiry: '3012',
    label: { zh: '未激活卡', en: 'Not activated' },
  },
  {
    name: 'gift',
    pan: '8888010000000074',
    status: 'active',
    balanceFen: 20_000,
    expiry: '3012',
    label: { zh: '礼品卡 ¥200.00', en: 'Gift card ¥200.00' },
  },
  // Card life (issue 12): cards on the shelf, waiting to be sold (售卡), and an anonymous card
  // ¥10.00 under its ¥1,000.00 cap. Serial 8 is UNKNOWN_DEMO_PAN, never issued.
  {
    name: 'shelf1',
    pan: '8888010000000090',
    status: 'not_activated',
    balanceFen: 0,
    expiry: '3012',
    label: { zh: '待售卡 1', en: 'Unsold card 1' },
  },
  {
    name: 'shelf2',
    pan: '8888010000000108',
    status: 'not_activated',
    balanceFen: 0,
    expiry: '3012',
    label: { zh: '待售卡 2', en: 'Unsold card 2' },
  },
  {
    name: 'shelf-anon',
    pan: '8888010000000116',
    status: 'not_activated',
    balanceFen: 0,
    expiry: '3012',
    registered: false,
    label: { zh: '待售不记名卡', en: 'Unsold anonymous card' },
  },
  {
    name: 'anon-near-cap',
    pan: '8888010000000124',
    status: 'active',
    balanceFen: 99_000,
    expiry: '3012',
    registered: false,
    label: { zh: '不记名卡 ¥990.00（上限¥1,000）', en: 'Anonymous ¥990.00 (cap ¥1,000)' },
  },
  // Cash-out and replace (issue 12): an anonymous card small enough to be cashed out (¥50.00, the
  // default limit is ¥100.00), and one more unsold card to replace a lost or damaged one onto.
  {
    name: 'anon-small',
    pan: '8888010000000132',
    status: 'active',
    balanceFen: 5_000,
    expiry: '3012',
    registered: false,
    label: { zh: '不记名卡 ¥50.00（可退卡）', en: 'Anonymous ¥50.00 (may be cashed out)' },
  },
  {
    name: 'shelf3',
    pan: '8888010000000140',
    status: 'not_activated',
    balanceFen: 0,
    expiry: '3012',
    label: { zh: '待售卡 3（换卡用）', en: 'Unsold card 3 (for a replacement)' },
  },
  ...batchShelf(),
  // Cardholder password (issue 12): a registered card whose every sale needs its password, and
  // one that needs it only over ¥100.00. Serials 50–51, away from the other lists.
  {
    name: 'password',
    pan: '8888010000000504',
    status: 'active',
    balanceFen: 50_000,
    expiry: '3012',
    password: { pin: '246810' },
    label: { zh: '密码卡 ¥500.00（密码 246810）', en: 'Password card ¥500.00 (password 246810)' },
  },
  {
    name: 'password-over',
    pan: '8888010000000512',
    status: 'active',
    balanceFen: 50_000,
    expiry: '3012',
    password: { pin: '135790', requiredOverFen: 10_000 },
    label: {
      zh: '超¥100需密码卡 ¥500.00（密码 135790）',
      en: 'Password over ¥100 ¥500.00 (password 135790)',
    },
  },
  // Demo mode's ISO 8583 issuer (IIN 888802): routed to the `iso8583-cup` entry.
  {
    name: 'iso-active',
    pan: '8888020000000016',
    status: 'active',
    balanceFen: 50_000,
    expiry: '3012',
    label: { zh: '银联 POS 卡 ¥500.00', en: 'ISO 8583 card ¥500.00' },
  },
  {
    name: 'iso-low',
    pan: '8888020000000024',
    status: 'active',
    balanceFen: 500,
    expiry: '3012',
    label: { zh: '银联 POS 余额不足卡 ¥5.00', en: 'ISO 8583 low balance ¥5.00' },
  },
  // The cardholder password over ISO 8583 (field 52 under the sign-on PIK): every sale needs it.
  {
    name: 'iso-password',
    pan: '8888020000000032',
    status: 'active',
    balanceFen: 50_000,
    expiry: '3012',
    password: { pin: '802802' },
    label: {
      zh: '银联 POS 密码卡 ¥500.00（密码 802802）',
      en: 'ISO 8583 password card ¥500.00 (password 802802)',
    },
  },
];

/** The card range (IIN) of demo mode's ISO 8583 issuer. */
export const DEMO_ISO_IIN = '888802';

/** A well-formed number the issuer has never issued. */
export const UNKNOWN_DEMO_PAN = '8888010000000082';

export function demoCard(name: string): DemoCard {
  const c = DEMO_CARDS.find((d) => d.name === name);
  if (!c) throw new Error(`no demo card named ${name}`);
  return c;
}
