/**
 * The chip purchase and load, and the recovery of a torn one, over an injected
 * `transmit(target, apdu)` — pure of any I/O of its own, so the same code runs against the
 * virtual card and PSAM in memory and through pcscd.
 *
 * Purchase: INITIALIZE FOR PURCHASE → PSAM MAC1 (+ GET RESPONSE after 61 xx) → grey record written
 * → DEBIT FOR PURCHASE → PSAM verifies MAC2 → TAC. Load: INITIALIZE FOR LOAD → issuer MAC2 →
 * grey record → CREDIT FOR LOAD → TAC. A transport failure from DEBIT/CREDIT on leaves the grey
 * record in place (EP_TORN); `resolveTear` settles it when the card comes back.
 */
import { toHex } from '../apdu';
import { algFromId, TXN_TYPE } from './crypto';
import * as c from './codec';
import { EpurseError, isEpurseError } from './errors';
import { decideTear, type GreyRecord, type GreyStore, type TearDecision } from './grey';

export type Target = 'card' | 'psam';
export type EpTransmit = (to: Target, apdu: Uint8Array) => Promise<Uint8Array>;

export interface CardRead {
  info: c.PublicInfo;
  balanceFen: number;
}

/** Sends one command; a transport failure (anything but an answer) becomes EP_TORN. */
async function send(t: EpTransmit, to: Target, apdu: Uint8Array, what: string): Promise<Uint8Array> {
  let r: Uint8Array;
  try {
    r = await t(to, apdu);
  } catch (e) {
    throw new EpurseError('EP_TORN', `${to}: ${what}`, { cause: e });
  }
  // Through pcscd + vpcd a card that vanishes mid-command comes back as an answer of 0 bytes, not
  // as an error (seen in test/integration/epurse-pcsc.test.ts): no status word is no answer.
  if (r.length < 2) throw new EpurseError('EP_TORN', `${to}: ${what}: ${r.length}-byte answer`);
  return r;
}

/** SELECT the PSAM and read its terminal number. */
export async function openPsam(t: EpTransmit, dfName?: string): Promise<Uint8Array> {
  c.parseOk(await send(t, 'psam', c.selectPsam(dfName), 'SELECT'), 'PSAM SELECT');
  return c.parseTerminalNumber(await send(t, 'psam', c.readTerminalNumber(), 'READ BINARY'));
}

/** SELECT the e-purse, read the public info and the balance. */
export async function readEpurse(t: EpTransmit, aid?: string): Promise<CardRead> {
  c.parseOk(await send(t, 'card', c.selectEpurse(aid), 'SELECT'), 'SELECT');
  const info = c.parsePublicInfo(await send(t, 'card', c.readPublicInfo(), 'READ BINARY'));
  const balanceFen = c.parseBalance(await send(t, 'card', c.getBalance(), 'GET BALANCE'));
  return { info, balanceFen };
}

export interface DateTime {
  date: Uint8Array;
  time: Uint8Array;
}

export interface PurchaseResult {
  cardSerial: string;
  amountFen: number;
  balanceBeforeFen: number;
  balanceAfterFen: number;
  offlineSeq: number;
  terminalNumber: string;
  terminalSeq: string;
  date: string;
  time: string;
  algId: number;
  tac: string;
  mac2: string;
}

export interface PurchaseInput {
  transmit: EpTransmit;
  store: GreyStore;
  /** From openPsam. */
  terminalNumber: Uint8Array;
  amountFen: number;
  now: DateTime;
  aid?: string;
  keyIndex?: number;
}

export async function runPurchase(p: PurchaseInput): Promise<PurchaseResult> {
  const t = p.transmit;
  const { info, balanceFen } = await readEpurse(t, p.aid);
  const cardSerial = info.appSerial;
  if (await p.store.get(cardSerial))
    throw new EpurseError('EP_GREY_PENDING', 'resolve the torn transaction first');
  // The chip balance goes with the refusal so the till can offer split tender for the rest.
  if (p.amountFen > balanceFen)
    throw new EpurseError('EP_INSUFFICIENT', `chip balance ${balanceFen} fen`, {
      chipBalanceFen: balanceFen,
    });
  const init = c.parseInitPurchase(
    await send(
      t,
      'card',
      c.initializeForPurchase(p.keyIndex ?? 1, p.amountFen, p.terminalNumber),
      'INITIALIZE FOR PURCHASE',
    ),
  );
  algFromId(init.algId); // refuse an unknown algorithm before the PSAM is asked
  let mac1Answer = c.parsePsamMac1(
    await send(
      t,
      'psam',
      c.psamMac1({
        random: init.random,
        offlineSeq: init.offlineSeq,
        amountFen: p.amountFen,
        date: p.now.date,
        time: p.now.time,
        keyVersion: init.keyVersion,
        algId: init.algId,
        serial8: info.serial8,
      }),
      'MAC1',
    ),
  );
  if ('more' in mac1Answer)
    mac1Answer = c.parsePsamMac1(await send(t, 'psam', c.psamGetResponse(), 'GET RESPONSE'));
  if ('more' in mac1Answer) throw new EpurseError('EP_BAD_ANSWER', 'PSAM MAC1: 61xx twice');
  const grey: GreyRecord = {
    kind: 'purchase',
    cardSerial,
    seq: init.offlineSeq,
    balanceBeforeFen: init.balanceFen,
    amountFen: p.amountFen,
    terminalNumber: toHex(p.terminalNumber),
    terminalSeq: toHex(mac1Answer.terminalSeq),
    date: toHex(p.now.date),
    time: toHex(p.now.time),
    algId: init.algId,
  };
  await p.store.put(grey); // durable BEFORE the card can debit
  let debit: { tac: Uint8Array; mac2: Uint8Array };
  try {
    debit = c.parseDebit(
      await send(
        t,
        'card',
        c.debitForPurchase(mac1Answer.terminalSeq, p.now.date, p.now.time, mac1Answer.mac1),
        'DEBIT',
      ),
    );
  } catch (e) {
    // A status word means the card answered and did not debit (9302 consumes nothing): the grey
    // record is void. A torn command (no answer) leaves it for resolveTear.
    if (isEpurseError(e) && e.code !== 'EP_TORN' && e.sw !== undefined && e.sw !== c.EP_SW.OK)
      await p.store.resolve(cardSerial, { kind: 'not-done', why: e.code });
    throw e;
  }
  const proof = { tac: toHex(debit.tac), mac2: toHex(debit.mac2) };
  try {
    c.parsePsamVerifyMac2(await send(t, 'psam', c.psamVerifyMac2(debit.mac2), 'VERIFY MAC2'));
  } catch (e) {
    if (isEpurseError(e, 'EP_MAC_INVALID')) {
      // The card claims a debit its MAC2 does not prove: not paid, the manager is alerted.
      await p.store.resolve(cardSerial, { kind: 'mac2-invalid', ...proof });
      throw new EpurseError('EP_MAC2_INVALID', `card ${cardSerial.slice(-4)}`, { sw: e.sw, cause: e });
    }
    throw e; // PSAM gone after the card debited: the grey record stays; re-presentation proves it
  }
  await p.store.resolve(cardSerial, { kind: 'done', ...proof, proved: false });
  return {
    cardSerial,
    amountFen: p.amountFen,
    balanceBeforeFen: init.balanceFen,
    balanceAfterFen: init.balanceFen - p.amountFen,
    offlineSeq: grey.seq,
    terminalNumber: grey.terminalNumber,
    terminalSeq: grey.terminalSeq,
    date: grey.date,
    time: grey.time,
    algId: init.algId,
    ...proof,
  };
}

export interface LoadResult {
  cardSerial: string;
  amountFen: number;
  balanceBeforeFen: number;
  balanceAfterFen: number;
  onlineSeq: number;
  terminalNumber: string;
  date: string;
  time: string;
  algId: number;
  tac: string;
}

/** The issuer's half of a load (online): checks MAC1, answers MAC2 (issuer-side.ts authorizeLoad behind HTTP). */
export type LoadAuthorizer = (r: {
  cardSerial: string;
  serial8: Uint8Array;
  algId: number;
  random: Uint8Array;
  onlineSeq: number;
  balanceBeforeFen: number;
  amountFen: number;
  terminalNumber: Uint8Array;
  mac1: Uint8Array;
  date: Uint8Array;
  time: Uint8Array;
}) => Promise<Uint8Array>;

export interface LoadInput {
  transmit: EpTransmit;
  store: GreyStore;
  authorize: LoadAuthorizer;
  terminalNumber: Uint8Array;
  amountFen: number;
  now: DateTime;
  aid?: string;
  keyIndex?: number;
}

export async function runLoad(p: LoadInput): Promise<LoadResult> {
  const t = p.transmit;
  const { info } = await readEpurse(t, p.aid);
  const cardSerial = info.appSerial;
  if (await p.store.get(cardSerial))
    throw new EpurseError('EP_GREY_PENDING', 'resolve the torn transaction first');
  const init = c.parseInitLoad(
    await send(
      t,
      'card',
      c.initializeForLoad(p.keyIndex ?? 1, p.amountFen, p.terminalNumber),
      'INITIALIZE FOR LOAD',
    ),
  );
  algFromId(init.algId);
  const mac2 = await p.authorize({
    cardSerial,
    serial8: info.serial8,
    algId: init.algId,
    random: init.random,
    onlineSeq: init.onlineSeq,
    balanceBeforeFen: init.balanceFen,
    amountFen: p.amountFen,
    terminalNumber: p.terminalNumber,
    mac1: init.mac1,
    date: p.now.date,
    time: p.now.time,
  });
  const grey: GreyRecord = {
    kind: 'load',
    cardSerial,
    seq: init.onlineSeq,
    balanceBeforeFen: init.balanceFen,
    amountFen: p.amountFen,
    terminalNumber: toHex(p.terminalNumber),
    terminalSeq: '',
    date: toHex(p.now.date),
    time: toHex(p.now.time),
    algId: init.algId,
  };
  await p.store.put(grey);
  let credit: { tac: Uint8Array };
  try {
    // The issuer answered MAC2 but the card lost its INITIALIZE if anything came in between: CREDIT
    // follows INITIALIZE directly (the authorisation is the only step between, and it is off-card).
    credit = c.parseCredit(await send(t, 'card', c.creditForLoad(p.now.date, p.now.time, mac2), 'CREDIT'));
  } catch (e) {
    if (isEpurseError(e) && e.code !== 'EP_TORN' && e.sw !== undefined && e.sw !== c.EP_SW.OK)
      await p.store.resolve(cardSerial, { kind: 'not-done', why: e.code });
    throw e;
  }
  await p.store.resolve(cardSerial, {
    kind: 'done',
    tac: toHex(credit.tac),
    mac2: toHex(mac2),
    proved: false,
  });
  return {
    cardSerial,
    amountFen: p.amountFen,
    balanceBeforeFen: init.balanceFen,
    balanceAfterFen: init.balanceFen + p.amountFen,
    onlineSeq: init.onlineSeq,
    terminalNumber: grey.terminalNumber,
    date: grey.date,
    time: grey.time,
    algId: init.algId,
    tac: toHex(credit.tac),
  };
}

export type TearResolution = TearDecision & { grey: GreyRecord; tac?: string; mac2?: string };

/**
 * The card of `grey` is presented again: read it, decide from its sequence and balance, prove a
 * done transaction with GET TRANSACTION PROVE, and settle the grey record — except for another
 * card, which leaves it open. A transport failure here is EP_TORN and changes nothing.
 */
export async function resolveTear(
  t: EpTransmit,
  store: GreyStore,
  grey: GreyRecord,
  aid?: string,
): Promise<TearResolution> {
  const { info } = await readEpurse(t, aid);
  if (info.appSerial !== grey.cardSerial) return { kind: 'other-card', grey };
  const tn = Uint8Array.from(Buffer.from(grey.terminalNumber, 'hex'));
  let seen: { seq: number; balanceFen: number };
  if (grey.kind === 'purchase') {
    const i = c.parseInitPurchase(
      await send(t, 'card', c.initializeForPurchase(1, 0, tn), 'INITIALIZE (amount 0)'),
    );
    seen = { seq: i.offlineSeq, balanceFen: i.balanceFen };
  } else {
    const i = c.parseInitLoad(
      await send(t, 'card', c.initializeForLoad(1, 0, tn), 'INITIALIZE FOR LOAD (amount 0)'),
    );
    seen = { seq: i.onlineSeq, balanceFen: i.balanceFen };
  }
  const decision = decideTear(grey, { cardSerial: info.appSerial, ...seen });
  if (decision.kind === 'not-done') {
    await store.resolve(grey.cardSerial, { kind: 'not-done', why: 'card unchanged' });
    return { ...decision, grey };
  }
  if (decision.kind !== 'done') {
    await store.resolve(grey.cardSerial, {
      kind: 'exception',
      reason: decision.kind === 'exception' ? decision.reason : '',
    });
    return { ...decision, grey };
  }
  const type = grey.kind === 'purchase' ? TXN_TYPE.PURCHASE : TXN_TYPE.LOAD;
  // PBOC-EP.md: PROVE takes the torn transaction's sequence; public terminal code sends the one a
  // fresh INITIALIZE answers (one higher). Ask with the first, then the second: the card can only
  // prove its latest transaction, which the decision above established is ours, and the issuer
  // checks the TAC at clearing either way.
  let proof: { mac2: Uint8Array; tac: Uint8Array } | undefined;
  for (const seq of [grey.seq, (grey.seq + 1) & 0xffff]) {
    try {
      proof = c.parseProve(await send(t, 'card', c.getTransactionProve(type, seq), 'GET TRANSACTION PROVE'));
      break;
    } catch (e) {
      if (!isEpurseError(e, 'EP_NOT_PROVABLE')) throw e;
    }
  }
  if (!proof) {
    await store.resolve(grey.cardSerial, { kind: 'exception', reason: 'not-provable' });
    return { kind: 'exception', reason: 'not-provable', grey };
  }
  const out = { tac: toHex(proof.tac), mac2: toHex(proof.mac2) };
  await store.resolve(grey.cardSerial, { kind: 'done', ...out, proved: true });
  return { ...decision, grey, ...out };
}
