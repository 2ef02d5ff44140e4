/**
 * Card life benchmark (issue 12): an activation's LOCAL overhead against a sale's, measured in the
 * same run. Local = everything the till does around the issuer's answer — the till lock, the
 * runner's participants, the pending row with its sealed command (SM4), the final row and its
 * SM2-signed, SM3-chained journal record in one SQLite transaction (WAL, synchronous=FULL), and
 * the receipt laid out from the journal — with an issuer port that answers at once, so the
 * network and the issuer's own work are not in the figure. A sale is `Terminal.sale` plus its
 * receipt; an activation is `CardLife.activate` (which builds its receipt and audit line itself).
 * A batch of 10 cards per card is reported too. The ratio is sale time ÷ activation time (1 = the
 * same; below 1 the activation costs that much more).
 *
 *   npm run bench -- card-life
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openTerminalDb } from '../src/main/store/terminal-db';
import { loadOrCreateTerminalKeys } from '../src/main/keys/terminal-keys';
import { TxnStore } from '../src/main/terminal/txn-store';
import { Terminal } from '../src/main/terminal/terminal';
import { IssuerRouter } from '../src/main/issuer/router';
import { CardLife } from '../src/main/terminal/card-life';
import { CardBatch } from '../src/main/terminal/card-batch';
import type { ExchangeOutcome, IssuerCommand, IssuerPort } from '../src/main/issuer/port';
import type { IssuerLink } from '../src/main/issuer/link';
import type { BenchRow } from './run';
import { DEFAULT_CARD_RULES } from '../src/shared/card-rules';

const N = 400;
const PAN = '8888010000000017';

/** Answers every command approved, at once: the bench measures the till, not the issuer. */
class InstantPort implements IssuerPort {
  readonly protocol = 'instant';
  exchange(cmd: IssuerCommand): Promise<ExchangeOutcome> {
    const amount = 'amountFen' in cmd ? cmd.amountFen : 0;
    return Promise.resolve({
      kind: 'answer',
      answer: { result: 'approved', balanceFen: 100_000 + amount, authCode: 'A1', extra: {} },
    });
  }
  signOn(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  setCut(): void {}
  isCut(): boolean {
    return false;
  }
}

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-bench-life-'));
  const keys = loadOrCreateTerminalKeys(dir, { kind: 'passphrase', secret: 'bench' });
  const db = openTerminalDb(dir);
  try {
    const store = new TxnStore(db, keys.dataKey, keys, 'TBENCH01', () => new Date());
    const router = new IssuerRouter([
      {
        id: 'default',
        name: 'bench',
        port: new InstantPort(),
        attempts: 1,
        timeoutMs: 1000,
        cardRanges: [''],
      },
    ]);
    const terminal = new Terminal({
      store,
      link: {} as IssuerLink,
      router,
      terminalId: 'TBENCH01',
      merchantId: 'M000000000001',
      merchantName: 'bench',
      receiptWidth: 32,
      maxAttempts: 1,
      clock: () => new Date(),
      log: () => {},
    });
    const life = new CardLife({ terminal, rules: DEFAULT_CARD_RULES });
    const batch = new CardBatch({ terminal });
    const present = () => terminal.present({ pan: PAN, entryMode: 'swipe', expiry: '3012' }).cardToken;

    const sale = async () => {
      const r = await terminal.sale({ cardToken: present(), amountFen: 1250 });
      terminal.receipt(r.stan);
    };
    const activate = async () => {
      await life.activate({ cardToken: present(), valueFen: 50_000 });
    };
    // Warm both paths (first statements prepared, JIT) before timing.
    for (let i = 0; i < 30; i++) {
      await sale();
      await activate();
    }
    // Interleaved rounds, so a slow moment of a shared machine falls on both alike.
    let saleMs = 0;
    let activateMs = 0;
    for (let round = 0; round < 4; round++) {
      let t0 = performance.now();
      for (let i = 0; i < N / 4; i++) await sale();
      saleMs += performance.now() - t0;
      t0 = performance.now();
      for (let i = 0; i < N / 4; i++) await activate();
      activateMs += performance.now() - t0;
    }
    const perSale = saleMs / N;
    const perActivation = activateMs / N;
    const body = '888801000000';
    const cards = Array.from({ length: 10 }, (_, i) => `${body}${String(1000 + i)}`);
    let batchMs = 0;
    const rounds = 10;
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      await batch.activate({ cards, valueFen: 10_000 });
      batchMs += performance.now() - t0;
    }
    const perBatchCard = batchMs / (rounds * cards.length);
    return [
      {
        name: 'activation, local overhead per card (vs a sale + its receipt)',
        ours: perActivation,
        reference: perSale,
        unit: 'ms/txn',
        ratio: perSale / perActivation,
        note: `${N} each, interleaved, issuer answering at once`,
      },
      {
        name: 'batch activation of 10, per card (vs a sale + its receipt)',
        ours: perBatchCard,
        reference: perSale,
        unit: 'ms/card',
        ratio: perSale / perBatchCard,
        note: 'each card its own STAN, pending row, journal record; one customer copy per batch',
      },
    ];
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
