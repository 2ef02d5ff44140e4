/**
 * Who the cashier's keys go to: the big keypad and the keyboard's digits, Backspace, Enter and Esc.
 *
 * The sale owns them by default. A tool panel that takes an amount of its own (selling or topping
 * up a card) claims them while it shows that amount: the big keypad then keys the panel's value
 * and its OK key is the panel's (收款并售卡), and the sale's amount is hidden. Before, the panel had
 * a second keypad below the fold while the keyboard still keyed the sale behind it: typing 500 in
 * 售卡 set the sale's amount, and Enter then charged a sale on the card being sold (found walking
 * the demo). Claims stack: the last panel opened owns the keys until it closes.
 */
import { useEffect, useRef } from 'react';
import { create } from 'zustand';

/** What the screen shows of a claim: the keypad's test id, its OK word, whether it is busy. */
export interface KeyClaim {
  id: string;
  testId: string;
  okLabel: string;
  disabled: boolean;
}

export interface KeyHandlers {
  /** A digit, '00', 'back' or 'clear' — the keypad's keys. */
  key(k: string): void;
  ok(): void;
}

type Held = KeyClaim & { handlers: KeyHandlers };

export const useKeyClaims = create<{ stack: Held[] }>(() => ({ stack: [] }));

/** The claim that owns the keys now, or null when the sale does. */
export function keyOwner(): Held | null {
  const s = useKeyClaims.getState().stack;
  return s.length ? s[s.length - 1]! : null;
}

/** The owning claim, as a React selector (the Cashier screen re-renders when it changes). */
export function useKeyOwner(): Held | null {
  return useKeyClaims((s) => (s.stack.length ? s.stack[s.stack.length - 1]! : null));
}

/** Claims the keys while `active`; the handlers may change every render (the latest are called). */
export function useClaimKeys(active: boolean, claim: KeyClaim, handlers: KeyHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  const { id, testId, okLabel, disabled } = claim;
  const shown = useRef({ testId, okLabel, disabled });
  shown.current = { testId, okLabel, disabled };
  // Taken when the panel shows its amount, given back when it hides it (or unmounts).
  useEffect(() => {
    if (!active) return;
    const held: Held = {
      id,
      ...shown.current,
      handlers: { key: (k) => latest.current.key(k), ok: () => latest.current.ok() },
    };
    useKeyClaims.setState((s) => ({ stack: [...s.stack.filter((h) => h.id !== id), held] }));
    return () => useKeyClaims.setState((s) => ({ stack: s.stack.filter((h) => h.id !== id) }));
  }, [active, id]);
  // Its words and busy state change in place: the claim keeps its place in the stack.
  useEffect(() => {
    useKeyClaims.setState((s) =>
      s.stack.some((h) => h.id === id)
        ? { stack: s.stack.map((h) => (h.id === id ? { ...h, testId, okLabel, disabled } : h)) }
        : s,
    );
  }, [id, testId, okLabel, disabled]);
}
