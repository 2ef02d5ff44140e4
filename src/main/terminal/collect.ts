/**
 * ECR integration: "collect ¥12.50 by card". Prompts on the till's screen, waits for the next card
 * presented (or one already there), then authorizes. Times out with NO_CARD.
 *
 * A card that needs its password (the issuer declines PASSWORD_REQUIRED, or PASSWORD_WRONG after a
 * try) is asked for it on the till's own screen, exactly as the cashier's sale asks: the prompt
 * event carries the decline, the screen opens its one PIN pad (src/renderer/components/
 * CardPassword.tsx, SalePasswordPrompt) and answers with `sale.collectPassword`; the sale is run
 * again with the password, which Terminal.sale turns into its PIN block at once. What comes back
 * to the ECR caller is typed:
 *  - the approved sale;
 *  - the declined sale, PASSWORD_LOCKED (the card locked on the last wrong try; the pad closes);
 *  - PASSWORD_CANCELED (a TillError) when the customer cancels at the pad or types nothing before
 *    the timeout — after a wrong try too; its detail names the last try's STAN and code.
 * Every try is its own STAN, journaled like any sale.
 */
import type { Terminal } from './terminal';
import type { CardSummary, TxnResult } from '../../shared/contract';
import { TillError } from '../../shared/errors';

/** What the till's screen shows for the ECR: a card to present, then maybe the password pad. */
export type CollectPrompt = {
  amountFen: number;
  /** The issuer asked for the card's password: the last try's STAN and its decline. */
  password?: { stan: number; declineCode: 'PASSWORD_REQUIRED' | 'PASSWORD_WRONG' };
} | null;

/** The screen's answer to the password pad (`sale.collectPassword`). */
export type CollectPasswordEntry = { password: string } | { cancel: true };

const ASKS_PASSWORD = new Set(['PASSWORD_REQUIRED', 'PASSWORD_WRONG']);

export class EcrCollect {
  /** Set while a collect waits on the password pad; taken by the first answer. */
  private entry: ((e: CollectPasswordEntry | 'timeout') => void) | undefined;
  private active = false;

  constructor(
    private readonly terminal: Terminal,
    private readonly prompt: (p: CollectPrompt) => void,
  ) {}

  async collect(
    req: { amountFen: number; timeoutSeconds?: number },
    operatorId: string | undefined,
  ): Promise<TxnResult> {
    // One ECR request at a time: a second would wait for the same card and the same pad.
    if (this.active) throw new TillError('BUSY', 'a collect is already waiting');
    this.active = true;
    const timeoutMs = (req.timeoutSeconds ?? 60) * 1000;
    const { terminal } = this;
    terminal.clearCard();
    this.prompt({ amountFen: req.amountFen });
    try {
      const card = await this.nextCard(timeoutMs);
      let r = await terminal.sale({ cardToken: card.cardToken, amountFen: req.amountFen }, operatorId);
      while (r.status === 'declined' && ASKS_PASSWORD.has(r.declineCode ?? '')) {
        this.prompt({
          amountFen: req.amountFen,
          password: { stan: r.stan, declineCode: r.declineCode as 'PASSWORD_REQUIRED' | 'PASSWORD_WRONG' },
        });
        const e = await this.passwordEntry(timeoutMs);
        if (e === 'timeout' || 'cancel' in e)
          throw new TillError(
            'PASSWORD_CANCELED',
            `${e === 'timeout' ? 'no password typed in time' : 'canceled at the pad'}; last try stan ${r.stan} ${r.declineCode}`,
          );
        const password = e.password;
        delete (e as { password?: string }).password; // the clear password goes no further than its block
        this.prompt({ amountFen: req.amountFen }); // the pad closes while the issuer is asked
        r = await terminal.sale(
          { cardToken: card.cardToken, amountFen: req.amountFen, password },
          operatorId,
        );
      }
      return r;
    } finally {
      this.entry = undefined;
      this.active = false;
      this.prompt(null);
    }
  }

  /** The till's screen answers the pad. INVALID_STATE when no collect is asking. */
  answerPassword(e: CollectPasswordEntry): void {
    const take = this.entry;
    if (!take) throw new TillError('INVALID_STATE', 'no collect is waiting for a password');
    this.entry = undefined;
    take(e);
  }

  private nextCard(timeoutMs: number): Promise<CardSummary> {
    const { terminal } = this;
    return new Promise<CardSummary>((resolve, reject) => {
      const timer = setTimeout(() => {
        terminal.off('card.presented', onCard);
        reject(new TillError('NO_CARD', 'timed out waiting for a card'));
      }, timeoutMs);
      const onCard = (c: CardSummary) => {
        clearTimeout(timer);
        terminal.off('card.presented', onCard);
        resolve(c);
      };
      terminal.on('card.presented', onCard);
    });
  }

  private passwordEntry(timeoutMs: number): Promise<CollectPasswordEntry | 'timeout'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.entry = undefined;
        resolve('timeout');
      }, timeoutMs);
      this.entry = (e) => {
        clearTimeout(timer);
        resolve(e);
      };
    });
  }
}
