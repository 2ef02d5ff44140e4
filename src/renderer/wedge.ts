/**
 * Keyboard-wedge input in the renderer's global key handling. USB wedge scanners and magstripe
 * readers "type" into whatever has focus; the pure classifier (src/drivers/hid/wedge-classifier.ts)
 * tells them from a person by inter-key timing. This module sits in front of every other key
 * handler (window, capture phase):
 *
 * - printable keys are held back (default prevented) while they arrive fast;
 * - a frame (≥ 6 fast keys + Enter) goes to the core as `wedge.frame` — it never reaches the PIN,
 *   the amount or the card-number field, and its Enter never submits anything;
 * - keys a person typed are given back in order, to the element they were typed into, at most
 *   ~60 ms late: into a text field through its value setter + an `input` event (so React sees the
 *   change), otherwise as a synthetic keydown the app's own key handlers act on. A key that
 *   arrives alone with nothing held (Enter, Backspace, F-keys, shortcuts) is not touched at all.
 *
 * The renderer never parses track data: the frame text is decoded in the core with the real codecs.
 */
import { WedgeClassifier, type WedgeConfig, type WedgeOutput } from '../drivers/hid/wedge-classifier';

interface Pending {
  key: string;
  code: string;
  target: EventTarget | null;
}

/** Our own replayed events, which the capture listener must let through. */
const replayed = new WeakSet<Event>();

type TextField = HTMLInputElement | HTMLTextAreaElement;

function isTextField(t: EventTarget | null): t is TextField {
  if (t instanceof HTMLTextAreaElement) return true;
  if (!(t instanceof HTMLInputElement)) return false;
  return ['text', 'search', 'tel', 'password', 'number', 'email', 'url', ''].includes(t.type);
}

/** Sets a field's value the way typing would, so React's onChange fires. */
function setFieldValue(t: TextField, value: string, caret: number): void {
  const proto = t instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(t, value);
  try {
    t.setSelectionRange(caret, caret);
  } catch {
    // type=number and friends have no selection
  }
  t.dispatchEvent(new Event('input', { bubbles: true }));
}

function selection(t: TextField): [number, number] {
  let start: number | null = null;
  let end: number | null = null;
  try {
    start = t.selectionStart;
    end = t.selectionEnd;
  } catch {
    // no selection API for this input type
  }
  return [start ?? t.value.length, end ?? start ?? t.value.length];
}

/** Gives one held key back to where it was typed. */
function replay(p: Pending): void {
  const target =
    p.target instanceof Node && p.target.isConnected ? p.target : (document.activeElement ?? document.body);
  const ev = new KeyboardEvent('keydown', { key: p.key, code: p.code, bubbles: true, cancelable: true });
  replayed.add(ev);
  const proceed = target.dispatchEvent(ev);
  if (!proceed || !isTextField(target) || target.readOnly || target.disabled) return;
  const [start, end] = selection(target);
  const v = target.value;
  if (p.key.length <= 2 && !/^[\uD800-\uDBFF]$/.test(p.key) && [...p.key].length === 1) {
    setFieldValue(target, v.slice(0, start) + p.key + v.slice(end), start + p.key.length);
  } else if (p.key === 'Backspace') {
    const from = start === end ? Math.max(0, start - 1) : start;
    setFieldValue(target, v.slice(0, from) + v.slice(end), from);
  } else if (p.key === 'Enter' && target instanceof HTMLInputElement && target.form) {
    target.form.requestSubmit();
  }
}

export interface WedgeHooks {
  /** A frame the classifier cut out (terminator removed). */
  onFrame(text: string): void;
  config?: Partial<WedgeConfig>;
}

/** Installs the wedge in front of every key handler of this window. Returns the uninstaller. */
export function installWedge(hooks: WedgeHooks): () => void {
  const wc = new WedgeClassifier(hooks.config);
  const queue: Pending[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Applies classifier outputs; returns true when `current` is part of a human release. */
  function apply(outputs: WedgeOutput[]): void {
    for (const o of outputs) {
      if (o.kind === 'frame') {
        queue.length = 0; // the frame's keys and its terminator: consumed
        hooks.onFrame(o.text);
      } else {
        for (const p of queue.splice(0, o.keys.length)) replay(p);
      }
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const deadline = wc.nextDeadline();
    if (deadline === undefined) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        apply(wc.tick(performance.now()));
        schedule();
      },
      Math.max(0, deadline - performance.now()) + 1,
    );
  }

  function onKeyDown(e: KeyboardEvent): void {
    if (replayed.has(e)) return;
    if (e.ctrlKey || e.altKey || e.metaKey || e.isComposing) {
      // Shortcuts and IME input are a person's: give back what is held first, keep order.
      apply(wc.flush());
      schedule();
      return;
    }
    const heldBefore = wc.heldCount;
    const out = wc.push({ key: e.key, at: e.timeStamp });
    if (out.length === 0 && wc.heldCount === heldBefore) return; // a modifier: transparent
    const alone =
      heldBefore === 0 && out.length === 1 && out[0]!.kind === 'human' && out[0]!.keys.length === 1;
    if (alone) {
      schedule();
      return; // a lone non-printable key with nothing held: let the browser handle it natively
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    queue.push({ key: e.key, code: e.code, target: e.target });
    apply(out);
    schedule();
  }

  function onBlur(): void {
    apply(wc.flush());
    schedule();
  }

  window.addEventListener('keydown', onKeyDown, true);
  window.addEventListener('blur', onBlur);
  return () => {
    window.removeEventListener('keydown', onKeyDown, true);
    window.removeEventListener('blur', onBlur);
    if (timer) clearTimeout(timer);
    apply(wc.flush());
  };
}
