/**
 * The transaction kinds table (src/shared/txn-kinds.ts): every kind declares every field, the
 * receipt-QR codes are unique and the ones printed receipts already carry, the table cannot be
 * changed at run time, a bad declaration is refused, an unknown type is a typed refusal, and every
 * site that used to switch on a type string now follows the declaration.
 */
import { describe, expect, it } from 'vitest';
import {
  TXN_KINDS,
  TXN_KIND_DECLS,
  TXN_TYPES,
  OFFLINE_TXN_TYPES,
  TOTALS_BUCKETS,
  SETTLEMENT_BUCKETS,
  defineKinds,
  kindOf,
  cardSign,
  drawerSign,
  undoOf,
  reverseOnUnknownOutcome,
  reverseOnUnknownWire,
  reverserOf,
  receiptTitle,
  settlementTypeTitle,
  type TxnKindDecl,
  type TxnType,
} from '../../src/shared/txn-kinds';
import { ERROR_WORDS, ErrorCode, TillError } from '../../src/shared/errors';
import { TxnType as TxnTypeSchema } from '../../src/shared/contract/sale';
import { decryptReceiptQr, encodeReceiptQr, parseReceiptQr, receiptQrKey } from '../../src/main/receipt/qr';
import { fromHex, sm2Signer } from '../../src/main/crypto';
import { foldTotals } from '../../src/main/shift/totals';
import { reportCsv } from '../../src/main/shift/export';

const OLD_ORDER = ['sale', 'inquiry', 'void', 'refund', 'reversal'] as const;
/** Receipt QR codes printed by the release that encoded kinds by array position (same key, details). */
const OLD_QR: Record<(typeof OLD_ORDER)[number], string> = {
  sale: 'CTR1AEAQQVBQGAYDAMBQGEAAAETHOTBQYFBSD63GOKTL3HNKLY4CB5JVNGB74X27Q4M4X2ZPQ3U5TN7S5ZJXBY6IDZJ2CN2U67HLNO2L4SDAXSNQ3Z2ADE5ZZJIP5FATT4HITMCQDYLNGRYZZ7T4H2AKLJAMV2DLM3UN35FQG2XYKLFMXIWGUELYHAQ',
  inquiry:
    'CTR1AEAQQVBQGAYDAMBQGEAAAETIECU6TWLLPORSP3Z2SJOYAGVJ2QCOY44JBKY56DSTRST6WDQGYEHLWVGYJKNSIE4M6O5TSHLJBV27GB2SXMDFR6RR53TW6K5NR3YZOT6KEC7FSY22PJLF3XPDIPXNVTCDIKFKW6BQQUWYP75PVJWQHHOD2QVFH3A',
  void: 'CTR1AEAQQVBQGAYDAMBQGEAAAETJDI4QNNJQPPRKTIEFFGGTADHRO2G3M5LJDFK5XWGJ2UWKWMVSZJRFFVK3ODNTDSFJQEZRIPTWSPEPIMV74DQYLP6ZXTCUECMMNWN5ZDDWUBG554YY2TXB356PDLA2GIZJWCKIMRINBD3FXMQFCLSB2DBSCBPWJYI',
  refund:
    'CTR1AEAQQVBQGAYDAMBQGEAAAETK6MMNY2IICS2VS7MTHX7YUTB2FEQKRFDW6GORXH3YGOIISCTDCM5VEHCVBNBZGL5AWVPSPQWWE2L3B25EBERHBMYSUB4HKULWZMWNHTTDDWH6XKBVP5RANVQXZNYZYJRVNFHQFAWMKCRIU66CC7NL47BWSXNCCEQ',
  reversal:
    'CTR1AEAQQVBQGAYDAMBQGEAAAETLHNSLLXAVXJWNWVMDAJ6TG46H5XSHN2RW5HBODFP7O6TDHMS4NS4OF5LK7QZ7QVJBZEGLN5OMYUJTCE4BN26XZYHRTJMXY7CPARVON33HXATOZFKITUBVDQNA6UMP7WVEYOLEG5OZIGQA6YQUEZ4OOPO4VF7KXVI',
};

const FIELDS: Record<keyof TxnKindDecl, (v: unknown) => boolean> = {
  wire: (v) => typeof v === 'string' && v.length > 0,
  wireAliases: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  card: (v) => ['debit', 'credit', 'none', 'undo', 'move'].includes(v as string),
  drawer: (v) => {
    const d = v as { amount: string; otherTender: string };
    return ['in', 'out', 'none'].includes(d.amount) && ['in', 'out', 'none'].includes(d.otherTender);
  },
  reversedBy: (v) => v === null || TXN_KINDS.has(v as string),
  offline: (v) => typeof v === 'boolean',
  override: (v) => v === null || ['void', 'refund', 'cashout', 'replace'].includes(v as string),
  totals: (v) => v === null || (TOTALS_BUCKETS as readonly unknown[]).includes(v),
  settlement: (v) => v === null || (SETTLEMENT_BUCKETS as readonly unknown[]).includes(v),
  title: (v) => {
    const t = v as { zh: string; en: string };
    return /[\u4e00-\u9fff]/.test(t.zh) && /^[A-Z][A-Z -]*$/.test(t.en);
  },
  qrCode: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255,
  audit: (v) => typeof v === 'string' && /^txn\.[a-z_]+$/.test(v),
  paidOnTerminal: (v) => typeof v === 'boolean',
  voidedBy: (v) => v === undefined || TXN_KINDS.get(v as string).override === 'void',
  executesOn: (v) => v === 'issuer' || v === 'chip',
  changesIssuerState: (v) => v === undefined || v === true,
};

describe('the kinds table', () => {
  it('every kind declares every field, well-formed', () => {
    expect(TXN_KINDS.list.map((k) => k.type)).toEqual(Object.keys(TXN_KIND_DECLS));
    for (const k of TXN_KINDS.list) {
      for (const [field, ok] of Object.entries(FIELDS)) {
        // `voidedBy` and `changesIssuerState` are optional: most kinds are neither voided nor
        // reversed for anything but money.
        expect(
          field in k || field === 'voidedBy' || field === 'changesIssuerState',
          `${k.type}.${field} declared`,
        ).toBe(true);
        expect(ok((k as unknown as Record<string, unknown>)[field]), `${k.type}.${field} well-formed`).toBe(
          true,
        );
      }
      expect(k.audit).toBe(`txn.${k.type}`);
    }
  });

  it('the kinds of the first release, with their meaning', () => {
    expect([...TXN_TYPES]).toEqual([
      'sale',
      'inquiry',
      'void',
      'refund',
      'reversal',
      'activate',
      'topup',
      'chip_purchase',
      'chip_load',
      'password',
      'cashout',
      'replace',
      'void_load',
    ]);
    expect(TxnTypeSchema.options).toEqual([...TXN_TYPES]);
    const m = (t: TxnType) => {
      const k = TXN_KINDS.get(t);
      return [k.wire, k.card, k.drawer.amount, k.drawer.otherTender, k.reversedBy, k.offline, k.override];
    };
    expect(m('sale')).toEqual(['authorize', 'debit', 'none', 'in', 'reversal', true, null]);
    expect(m('inquiry')).toEqual(['inquiry', 'none', 'none', 'none', null, false, null]);
    expect(m('void')).toEqual(['void', 'credit', 'none', 'out', 'reversal', true, 'void']);
    expect(m('refund')).toEqual(['refund', 'credit', 'none', 'none', 'reversal', false, 'refund']);
    expect(m('reversal')).toEqual(['reverse', 'undo', 'none', 'none', null, false, null]);
    // Card life (issue 12): value onto the card, its cash into the drawer; online only.
    expect(m('activate')).toEqual(['activate', 'credit', 'none', 'in', 'reversal', false, null]);
    expect(m('topup')).toEqual(['topup', 'credit', 'none', 'in', 'reversal', false, null]);
    // Cash-out: the balance off the card, out of the drawer in cash; replace moves it between cards;
    // the void of a load takes the value back off the card and its cash out of the drawer.
    expect(m('cashout')).toEqual(['cashout', 'debit', 'out', 'none', 'reversal', false, 'cashout']);
    expect(m('replace')).toEqual(['replace', 'move', 'none', 'none', 'reversal', false, 'replace']);
    expect(m('void_load')).toEqual(['voidload', 'debit', 'none', 'out', 'reversal', false, 'void']);
    expect(['sale', 'activate', 'topup'].map((t) => TXN_KINDS.get(t).voidedBy)).toEqual([
      'void',
      'void_load',
      'void_load',
    ]);
    // PBOC e-purse (issue 14): on the chip, never reversed by message, cleared by TAC.
    expect(m('chip_purchase')).toEqual(['chip_purchase', 'debit', 'none', 'in', null, false, null]);
    expect(m('chip_load')).toEqual(['chip_load', 'credit', 'none', 'in', null, false, null]);
    expect([...OFFLINE_TXN_TYPES]).toEqual(['sale', 'void']);
    expect(TXN_KINDS.inSettlement().map((k) => k.type)).toEqual([
      'sale',
      'void',
      'refund',
      'activate',
      'topup',
      'cashout',
      'replace',
      'void_load',
    ]);
    expect(TXN_KINDS.byWire('advice')?.type).toBe('sale');
    expect(receiptTitle(TXN_KINDS.get('inquiry'))).toBe('余额查询 BALANCE');
  });

  it('receipt-QR codes are unique and the array positions of the first release', () => {
    const codes = TXN_KINDS.list.map((k) => k.qrCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [i, t] of OLD_ORDER.entries()) expect(TXN_KINDS.get(t).qrCode).toBe(i);
  });

  it('receipts printed before kinds were data still decrypt to their kind, and new ones encode the same bytes', () => {
    const signer = sm2Signer(fromHex('5be1f1c2a0d4e6b8c9a7f3e2d1c0b9a8f7e6d5c4b3a2918070605040302010ff'));
    const qrKey = receiptQrKey(fromHex('a1'.repeat(32)));
    for (const [i, type] of OLD_ORDER.entries()) {
      const old = parseReceiptQr(OLD_QR[type])!;
      expect(decryptReceiptQr(old, qrKey)).toMatchObject({ type, stan: 4711 + i, amountFen: 1250 });
      const fresh = encodeReceiptQr(
        {
          terminalId: 'T0000001',
          merchantId: 'M000000000001',
          stan: 4711 + i,
          type,
          status: 'approved',
          offline: false,
          amountFen: 1250,
          balanceFen: 98750,
          time: '2026-11-22T08:00:00Z',
          last4: '0017',
        },
        1,
        qrKey,
        (msg) => signer.sign(msg),
      );
      // The signature is randomised; everything it signs must be byte-identical.
      expect(Buffer.from(parseReceiptQr(fresh)!.signed).toString('hex')).toBe(
        Buffer.from(old.signed).toString('hex'),
      );
    }
  });

  it('is frozen: nothing can add, change or remove a kind at run time', () => {
    expect(Object.isFrozen(TXN_KINDS)).toBe(true);
    expect(Object.isFrozen(TXN_KINDS.list)).toBe(true);
    const sale = TXN_KINDS.get('sale');
    expect(() => {
      (sale as { card: string }).card = 'none';
    }).toThrow(TypeError);
    expect(() => {
      (sale.drawer as { otherTender: string }).otherTender = 'none';
    }).toThrow(TypeError);
    expect(() => {
      (TXN_KINDS.list as unknown as unknown[]).push({});
    }).toThrow(TypeError);
    expect(TXN_KINDS.get('sale').card).toBe('debit');
    // A test table is a new table; the real one does not learn its kinds.
    const extended = defineKinds({
      ...TXN_KIND_DECLS,
      giftwrap: { ...TXN_KIND_DECLS.refund, wire: 'giftwrap', qrCode: 99 },
    });
    expect(extended.has('giftwrap')).toBe(true);
    expect(TXN_KINDS.has('giftwrap')).toBe(false);
  });

  it('refuses a bad declaration', () => {
    const base = TXN_KIND_DECLS;
    expect(() => defineKinds({ ...base, x: { ...base.refund, wire: 'x', qrCode: 0 } })).toThrow(
      /qrCode 0 used twice/,
    );
    expect(() => defineKinds({ ...base, x: { ...base.refund, qrCode: 77 } })).toThrow(
      /wire command refund used twice/,
    );
    expect(() =>
      defineKinds({ ...base, x: { ...base.refund, wire: 'x', qrCode: 77, reversedBy: 'nope' } }),
    ).toThrow(/unknown kind nope/);
    expect(() =>
      defineKinds({ ...base, x: { ...base.refund, wire: 'x', qrCode: 77, reversedBy: 'sale' } }),
    ).toThrow(/must be an undo kind/);
    expect(() => defineKinds({ ...base, x: { ...base.refund, wire: 'x', qrCode: 256 } })).toThrow(/byte/);
    expect(() =>
      defineKinds({ ...base, x: { ...base.inquiry, wire: 'x', qrCode: 77, reversedBy: 'reversal' } }),
    ).toThrow(/moves no money/);
    // Unless it changes something at the issuer a lost answer leaves in doubt (the card password).
    expect(() =>
      defineKinds({
        ...base,
        x: { ...base.inquiry, wire: 'x', qrCode: 77, reversedBy: 'reversal', changesIssuerState: true },
      }),
    ).not.toThrow();
  });

  it('a password set/change is reversed when its outcome is unknown (its state at the issuer is in doubt)', () => {
    expect(TXN_KINDS.get('password')).toMatchObject({ card: 'none', reversedBy: 'reversal' });
    expect(reverseOnUnknownOutcome('password')).toBe(true);
    expect(reverseOnUnknownWire('password')).toBe(true);
  });

  it('an unknown type is a typed refusal with words in both languages', () => {
    expect(ErrorCode.options).toContain('UNKNOWN_TXN_KIND');
    expect(ERROR_WORDS.UNKNOWN_TXN_KIND.zh).toMatch(/未知的交易类型/);
    expect(ERROR_WORDS.UNKNOWN_TXN_KIND.en).toMatch(/Unknown transaction type/);
    let err: unknown;
    try {
      kindOf('giftwrap');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TillError);
    expect((err as TillError).code).toBe('UNKNOWN_TXN_KIND');
    expect((err as TillError).detail).toBe('"giftwrap"');
    expect(() => kindOf('')).toThrow(/UNKNOWN_TXN_KIND/);
    expect(() => kindOf('__proto__')).toThrow(/UNKNOWN_TXN_KIND/);
    expect(() => kindOf('toString')).toThrow(/UNKNOWN_TXN_KIND/);
  });

  it('money signs and undo', () => {
    expect([cardSign('debit'), cardSign('credit'), cardSign('none'), cardSign('undo')]).toEqual([
      1, -1, 0, 0,
    ]);
    expect([drawerSign('in'), drawerSign('out'), drawerSign('none')]).toEqual([1, -1, 0]);
    expect([undoOf('debit'), undoOf('credit'), undoOf('none')]).toEqual(['credit', 'debit', 'none']);
  });

  it('an unknown outcome is reversed for every money kind (not only sales) and a password change, never for inquiries or reversals', () => {
    expect(TXN_TYPES.filter((t) => reverseOnUnknownOutcome(t))).toEqual([
      'sale',
      'void',
      'refund',
      'activate',
      'topup',
      'password',
      'cashout',
      'replace',
      'void_load',
    ]);
    expect(
      ['authorize', 'inquiry', 'void', 'refund', 'reverse', 'activate', 'topup'].filter((w) =>
        reverseOnUnknownWire(w),
      ),
    ).toEqual(['authorize', 'void', 'refund', 'activate', 'topup']);
    // A row of a type no kind declares may have moved money: it is reversed, recovery does not stop.
    expect(reverseOnUnknownOutcome('giftwrap')).toBe(true);
    expect(reverserOf('void')?.wire).toBe('reverse');
    expect(reverserOf('inquiry')).toBeNull();
    expect(() => reverserOf('giftwrap')).toThrow(/UNKNOWN_TXN_KIND/);
  });

  it('exhaustiveness is checked by the compiler', () => {
    // A record over every kind must name them all: a kind added to the table without its entry
    // here fails `npm run typecheck` (this file is type-checked).
    const all: Record<TxnType, true> = {
      sale: true,
      inquiry: true,
      void: true,
      refund: true,
      reversal: true,
      activate: true,
      topup: true,
      chip_purchase: true,
      chip_load: true,
      password: true,
      cashout: true,
      replace: true,
      void_load: true,
    };
    // @ts-expect-error — 'reversal' is missing, which must not compile.
    const missing: Record<TxnType, true> = {
      sale: true,
      inquiry: true,
      void: true,
      refund: true,
      activate: true,
      topup: true,
      chip_purchase: true,
      chip_load: true,
      password: true,
    };
    // @ts-expect-error — 'giftwrap' is not a kind.
    const extra: TxnType = 'giftwrap';
    expect(Object.keys(all)).toEqual([...TXN_TYPES]);
    expect(missing).toBeDefined();
    expect(extra).toBe('giftwrap');
  });
});

describe('reports follow the declaration', () => {
  const g = (type: string, n: number, amount: number, other = 0) => ({
    type,
    status: 'approved',
    offline: 0,
    decline_code: null,
    hour: '2026-11-22T08',
    n,
    amount,
    other,
  });

  it('net card and cash come from each kind’s card and drawer direction', () => {
    const t = foldTotals([
      g('sale', 3, 3000, 500),
      g('void', 1, 1000, 500),
      g('refund', 1, 200),
      g('reversal', 1, 700),
    ]);
    expect(t.netCardFen).toBe(3000 - 1000 - 200);
    expect(t.netCashFen).toBe(0);
    expect(t.byKind).toEqual({
      sale: { count: 3, amountFen: 3000, cashFen: 500 },
      void: { count: 1, amountFen: 1000, cashFen: -500 },
      refund: { count: 1, amountFen: 200, cashFen: 0 },
      reversal: { count: 1, amountFen: 700, cashFen: 0 },
    });
  });

  it('an approved row of an unknown type is UNKNOWN_TXN_KIND, not a silent zero', () => {
    expect(() => foldTotals([g('sale', 1, 100), g('giftwrap', 1, 5000)])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TXN_KIND' }),
    );
  });

  it('the CSV has one line per kind; a Z frozen before byKind existed still exports its figures', () => {
    const totals = foldTotals([g('sale', 2, 2000), g('inquiry', 4, 0)]);
    const report = {
      kind: 'Z',
      terminalId: 'T1',
      merchantId: 'M1',
      shiftId: 1,
      fromStan: 1,
      toStan: 6,
      openedAt: '',
      closedAt: null,
      openingFloatFen: 0,
      expectedCashFen: 0,
      queue: { offlineUnsent: 0, reversalsUnsent: 0 },
    } as unknown as Parameters<typeof reportCsv>[0];
    const lines = (r: typeof report) =>
      reportCsv(r)
        .split('\r\n')
        .filter((l) => l.startsWith('type,') && !l.startsWith('type,net'))
        .map((l) => l.split(',').slice(0, 5).join(',')); // the 6th column is the row in words
    const expected = [
      'type,sale,2,2000,20.00',
      'type,inquiry,4,,',
      'type,void,0,0,0.00',
      'type,refund,0,0,0.00',
      'type,reversal,0,0,0.00',
      'type,activate,0,0,0.00',
      'type,topup,0,0,0.00',
      'type,chip_purchase,0,0,0.00',
      'type,chip_load,0,0,0.00',
      'type,password,0,,', // moves no money: no amount, like an inquiry
      'type,cashout,0,0,0.00',
      'type,replace,0,,',
      'type,void_load,0,0,0.00',
    ];
    expect(lines({ ...report, totals })).toEqual(expected);
    const { byKind: _dropped, ...frozenBefore } = totals;
    expect(lines({ ...report, totals: frozenBefore })).toEqual(expected);
  });
});

describe('a discrepancy type in words', () => {
  it('every settlement bucket and chip kind has the title of its kind; an unknown name has none', () => {
    for (const b of SETTLEMENT_BUCKETS) expect(settlementTypeTitle(b)).toMatch(/^\S+ [A-Z]/);
    expect(settlementTypeTitle('loadvoid')).toBe('撤销售卡/充值 VOID CARD LOAD');
    expect(settlementTypeTitle('activate')).toBe('售卡 CARD SOLD');
    expect(settlementTypeTitle('chip_load')).toBe('圈存 CHIP LOAD');
    expect(settlementTypeTitle('nonsense')).toBeUndefined();
  });
});
