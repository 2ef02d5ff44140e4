/**
 * Cashier key bindings: digits key the amount, Backspace deletes, Esc clears, Enter charges,
 * F1 sale, F2 balance inquiry, F3 accept the split-tender offer, F4 print.
 *
 * The F-keys and Esc work wherever the focus is (issue 11 #8); digits, Backspace and Enter are
 * left to a text field that has the focus (the card-number field, the void/refund fields) so
 * typing there never moves money. A dialog that owns the keys (OverrideDialog) stops them before
 * they reach this handler. A panel with an amount of its own (selling a card) claims the digits,
 * Backspace, Enter and Esc while it shows it (key-claim.ts).
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
import { keyOwner } from './key-claim';

const ANYWHERE: Record<string, () => void> = {
  F1: () => setMode('sale'),
  F2: () => setMode('inquiry'),
  F3: () => void acceptSplit(),
  F4: () => void printReceipt(),
  Escape: () => clearAll(),
};

export function cashierKeyHandler(e: KeyboardEvent): void {
  if (e.defaultPrevented) return;
  const owner = keyOwner();
  if (owner && e.key === 'Escape') {
    e.preventDefault();
    owner.handlers.key('clear');
    return;
  }
  const anywhere = ANYWHERE[e.key];
  if (anywhere) {
    e.preventDefault();
    anywhere();
    return;
  }
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'))
    return;
  if (owner) {
    // A panel with its own amount holds the keys (src/renderer/key-claim.ts): never the sale's.
    if (/^[0-9]$/.test(e.key)) owner.handlers.key(e.key);
    else if (e.key === 'Backspace') owner.handlers.key('back');
    else if (e.key === 'Enter') {
      if (!owner.disabled) owner.handlers.ok();
    } else return;
    e.preventDefault();
    return;
  }
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
