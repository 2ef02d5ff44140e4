/**
 * ECR integration: "collect ¥12.50 by card". Prompts on the till's screen, waits for the next card
 * presented (or one already there), then authorizes. Times out with NO_CARD.
 */
import type { Terminal } from './terminal';
import type { CardSummary, TxnResult } from '../../shared/contract';
import { TillError } from '../../shared/errors';

export async function collectByCard(
  terminal: Terminal,
  req: { amountFen: number; timeoutSeconds?: number },
  operatorId: string | undefined,
  prompt: (p: { amountFen: number } | null) => void,
): Promise<TxnResult> {
  terminal.clearCard();
  prompt({ amountFen: req.amountFen });
  try {
    const card = await new Promise<CardSummary>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          terminal.off('card.presented', onCard);
          reject(new TillError('NO_CARD', 'timed out waiting for a card'));
        },
        (req.timeoutSeconds ?? 60) * 1000,
      );
      const onCard = (c: CardSummary) => {
        clearTimeout(timer);
        terminal.off('card.presented', onCard);
        resolve(c);
      };
      terminal.on('card.presented', onCard);
    });
    return await terminal.sale({ cardToken: card.cardToken, amountFen: req.amountFen }, operatorId);
  } finally {
    prompt(null);
  }
}
