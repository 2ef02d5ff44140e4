/**
 * Cashier key bindings: digits key the amount, Backspace deletes, Esc clears, Enter charges,
 * F1 sale, F2 balance inquiry, F3 accept the split-tender offer, F4 print.
 *
 * The F-keys and Esc work wherever the focus is (issue 11 #8); digits, Backspace and Enter are
 * left to a text field that has the focus (the card-number field, the void/refund fields) so
 * typing there never moves money. A dialog that owns the keys (OverrideDialog) stops them before
 * they reach this handler.
 */
import {
  keypad,
  submit,
  clearAll,
  setMode,
  printReceipt,
  nextSale,
  splitOffer,
  acceptSplit,
} from './actions';
import { useTill } from './store';

const ANYWHERE: Record<string, () => void> = {
  F1: () => setMode('sale'),
  F2: () => setMode('inquiry'),
  F3: () => void acceptSplit(),
  F4: () => void printReceipt(),
  Escape: () => clearAll(),
};

export function cashierKeyHandler(e: KeyboardEvent): void {
  if (e.defaultPrevented) return;
  const anywhere = ANYWHERE[e.key];
  if (anywhere) {
    e.preventDefault();
    anywhere();
    return;
  }
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'))
    return;
  const c = useTill.getState().cashier;
  let handled = true;
  if (/^[0-9]$/.test(e.key)) keypad(e.key);
  else if (e.key === 'Backspace') keypad('back');
  else if (e.key === 'Enter') {
    if (c.result && c.result.status === 'approved') nextSale();
    // A split offer is answered with its own key (F3) or Esc; Enter would send the full amount
    // again: another decline and a new STAN (issue 11 #7).
    else if (!splitOffer(c)) void submit();
  } else handled = false;
  if (handled) e.preventDefault();
}
