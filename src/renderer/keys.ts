/**
 * Cashier key bindings: digits key the amount, Backspace deletes, Esc clears, Enter charges,
 * F1 sale, F2 balance inquiry, F4 print. Ignored while a text field has focus (the wedge field,
 * the PIN) so typing there never moves money.
 */
import { keypad, submit, clearAll, setMode, printReceipt, nextSale } from './actions';
import { useTill } from './store';

export function cashierKeyHandler(e: KeyboardEvent): void {
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
  const c = useTill.getState().cashier;
  let handled = true;
  if (/^[0-9]$/.test(e.key)) keypad(e.key);
  else if (e.key === 'Backspace') keypad('back');
  else if (e.key === 'Escape') clearAll();
  else if (e.key === 'Enter') {
    if (c.result && c.result.status === 'approved') nextSale();
    else void submit();
  } else if (e.key === 'F1') setMode('sale');
  else if (e.key === 'F2') setMode('inquiry');
  else if (e.key === 'F4') void printReceipt();
  else handled = false;
  if (handled) e.preventDefault();
}
