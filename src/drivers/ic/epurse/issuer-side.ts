/**
 * What only the issuer (holding the master keys) computes, as pure functions the issuer simulator
 * can call: authorising a load (check the card's MAC1, answer MAC2) and checking a TAC at clearing.
 */
import { fromHex } from '../apdu';
import { diversify, loadMac1, loadMac2, loadSessionKey, loadTac, purchaseTac, type EpAlg } from './crypto';
import type { IssuerMasterKeys } from './demo-keys';
import { EpurseError } from './errors';

export interface LoadAuthRequest {
  serial8: Uint8Array;
  alg: EpAlg;
  random: Uint8Array;
  onlineSeq: number;
  balanceBeforeFen: number;
  amountFen: number;
  terminalNumber: Uint8Array;
  mac1: Uint8Array;
  date: Uint8Array;
  time: Uint8Array;
}

/** Checks the card's load MAC1 (proves the card is genuine) and returns MAC2 for CREDIT FOR LOAD. */
export function authorizeLoad(keys: IssuerMasterKeys, r: LoadAuthRequest): Uint8Array {
  const ses = loadSessionKey(r.alg, diversify(r.alg, keys.load, r.serial8), r.random, r.onlineSeq);
  if (!equal(loadMac1(r.alg, ses, r.balanceBeforeFen, r.amountFen, r.terminalNumber), r.mac1))
    throw new EpurseError('EP_MAC_INVALID', 'load MAC1');
  return loadMac2(r.alg, ses, r.amountFen, r.terminalNumber, r.date, r.time);
}

export interface PurchaseClearing {
  serial8: Uint8Array;
  alg: EpAlg;
  amountFen: number;
  terminalNumber: string;
  terminalSeq: string;
  date: string;
  time: string;
  tac: string;
}

export function purchaseTacValid(keys: IssuerMasterKeys, c: PurchaseClearing): boolean {
  const tac = purchaseTac(c.alg, diversify(c.alg, keys.tac, c.serial8), {
    amountFen: c.amountFen,
    terminalNumber: fromHex(c.terminalNumber),
    terminalSeq: fromHex(c.terminalSeq),
    date: fromHex(c.date),
    time: fromHex(c.time),
  });
  return equal(tac, fromHex(c.tac));
}

export interface LoadClearing {
  serial8: Uint8Array;
  alg: EpAlg;
  balanceAfterFen: number;
  onlineSeq: number;
  amountFen: number;
  terminalNumber: string;
  date: string;
  time: string;
  tac: string;
}

export function loadTacValid(keys: IssuerMasterKeys, c: LoadClearing): boolean {
  const tac = loadTac(
    c.alg,
    diversify(c.alg, keys.tac, c.serial8),
    c.balanceAfterFen,
    c.onlineSeq,
    c.amountFen,
    fromHex(c.terminalNumber),
    fromHex(c.date),
    fromHex(c.time),
  );
  return equal(tac, fromHex(c.tac));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
