/**
 * PBOC e-purse: the chip transactions the manager must know about (`chip.exceptions`) — grey
 * records still waiting for their card (torn after DEBIT/CREDIT) and exceptions the card could not
 * settle (sequence jumped, balance disagrees, no proof, MAC2 rejected), each with what to do.
 */
import { useEffect, useState } from 'react';
import { useT } from '../useLang';
import { call } from '../../actions';
import type { ChipException } from '../../../shared/contract';
import type { WordKey } from '../../i18n';

const TODO: Record<ChipException['state'], WordKey> = {
  grey: 'chipTodoGrey',
  exception: 'chipTodoException',
  'mac2-invalid': 'chipTodoMac2',
  done: 'chipTodoGrey',
  'not-done': 'chipTodoGrey',
};

export function ChipExceptions() {
  const { t, money } = useT();
  const [items, setItems] = useState<ChipException[] | null>(null);
  const [error, setError] = useState('');
  const load = () =>
    call('chip.exceptions', {})
      .then(setItems)
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), []);
  const abandon = async (stan: number) => {
    try {
      await call('chip.abandon', { stan });
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (error) return <p className="error">{error}</p>;
  if (!items) return null;
  return (
    <section data-testid="chip-exceptions">
      <h3>{t('chipExceptionsTitle')}</h3>
      {items.length === 0 ? (
        <p className="muted" data-testid="chip-exceptions-none">
          {t('chipExceptionsNone')}
        </p>
      ) : (
        <table>
          <tbody>
            {items.map((x) => (
              <tr key={x.stan} data-testid={`chip-exception-${x.stan}`}>
                <td className="mono">{String(x.stan).padStart(6, '0')}</td>
                <td>{t(x.kind === 'load' ? 'txnkind_chip_load' : 'txnkind_chip_purchase')}</td>
                <td className="mono">{x.masked}</td>
                <td>{money(x.amountFen)}</td>
                <td>
                  {t(TODO[x.state])}
                  {x.reason ? <span className="muted small"> ({x.reason})</span> : null}
                </td>
                <td>
                  {x.state === 'grey' && (
                    <button
                      className="btn small"
                      onClick={() => void abandon(x.stan)}
                      data-testid={`chip-abandon-${x.stan}`}
                    >
                      {t('chipAbandon')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
