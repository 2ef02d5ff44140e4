/**
 * DEMO-ONLY issuer master keys for the virtual e-purse card, the virtual PSAM and (later) the demo
 * issuer. They are the master keys of ../shared/PBOC-EP.md's known-answer vector and therefore
 * public: a real issuer's keys live in its HSM and in the PSAMs it issues, never in this code.
 */
import { fromHex } from '../apdu';
import type { EpAlg } from './crypto';

export interface IssuerMasterKeys {
  /** Algorithm the cards of this issuer announce (00 → 3DES, 04 → SM4). */
  alg: EpAlg;
  keyVersion: number;
  purchase: Uint8Array;
  load: Uint8Array;
  tac: Uint8Array;
}

export const DEMO_ISSUER_KEYS: IssuerMasterKeys = Object.freeze({
  alg: '3des',
  keyVersion: 0x01,
  purchase: fromHex('0123456789ABCDEFFEDCBA9876543210'),
  load: fromHex('F0E1D2C3B4A5968778695A4B3C2D1E0F'),
  tac: fromHex('00112233445566778899AABBCCDDEEFF'),
});
