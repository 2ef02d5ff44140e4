/**
 * The file-batch demo issuer's cards (a regional supermarket chain, 区域性商超): IIN 888803, so a
 * terminal routes them apart from the JSON issuer's 888801 and the ISO 8583 demo issuer's 888802
 * cards. Luhn-valid (ISO/IEC 7812-1).
 */
import type { CardStatus } from '../demo-cards';

export interface MartCard {
  name: string;
  pan: string;
  status: CardStatus;
  balanceFen: number;
  expiry: string;
}

export const MART_IIN = '888803';

export const MART_CARDS: readonly MartCard[] = [
  { name: 'active', pan: '8888030000000015', status: 'active', balanceFen: 50_000, expiry: '3012' },
  { name: 'low', pan: '8888030000000023', status: 'active', balanceFen: 1_000, expiry: '3012' },
  { name: 'lost', pan: '8888030000000031', status: 'lost', balanceFen: 30_000, expiry: '3012' },
  { name: 'second', pan: '8888030000000049', status: 'active', balanceFen: 20_000, expiry: '3012' },
];

export function martCard(name: string): MartCard {
  const c = MART_CARDS.find((x) => x.name === name);
  if (!c) throw new Error(`no mart card ${name}`);
  return c;
}
