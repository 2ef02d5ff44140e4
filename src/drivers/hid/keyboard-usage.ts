/**
 * USB HID boot keyboard reports → key presses, for keyboard-wedge scanners and magstripe readers
 * opened directly with node-hid. Pure: no Node imports, never throws on input.
 *
 * Boot report (Device Class Definition for HID 1.11, Appendix B.1 "Protocol 1 (Keyboard)"):
 *   byte 0 modifiers (bit 0 LCtrl, 1 LShift, 2 LAlt, 3 LGUI, 4 RCtrl, 5 RShift, 6 RAlt, 7 RGUI),
 *   byte 1 reserved, bytes 2–7 usage codes of the keys held down (0 = none; 0x01 ErrorRollOver,
 *   0x02 POSTFail, 0x03 ErrorUndefined fill all six slots when the state is unknown).
 * Usage codes: HID Usage Tables §10 "Keyboard/Keypad Page (0x07)". A key press is a usage that was
 * not held in the previous report. Characters follow the US layout, which is what wedge devices
 * emulate unless told otherwise (a "keyboard country" setting in their manuals).
 */

export const KEYBOARD_PAGE = 0x07;
export const BOOT_REPORT_BYTES = 8;

/** Usage → [unshifted, shifted] for the US layout (HID Usage Tables §10). */
const US_LAYOUT: Record<number, readonly [string, string]> = (() => {
  const t: Record<number, readonly [string, string]> = {};
  for (let u = 0x04; u <= 0x1d; u++) {
    const c = String.fromCharCode(0x61 + u - 0x04); // a..z
    t[u] = [c, c.toUpperCase()];
  }
  const digits = '1234567890';
  const shifted = '!@#$%^&*()';
  for (let i = 0; i < 10; i++) t[0x1e + i] = [digits[i]!, shifted[i]!];
  const punct: Array<[number, string, string]> = [
    [0x2c, ' ', ' '],
    [0x2d, '-', '_'],
    [0x2e, '=', '+'],
    [0x2f, '[', '{'],
    [0x30, ']', '}'],
    [0x31, '\\', '|'],
    [0x32, '#', '~'], // Non-US # and ~
    [0x33, ';', ':'],
    [0x34, "'", '"'],
    [0x35, '`', '~'],
    [0x36, ',', '<'],
    [0x37, '.', '>'],
    [0x38, '/', '?'],
    // Keypad (NumLock assumed on, as wedge devices send it): §10 usages 0x54–0x63.
    [0x54, '/', '/'],
    [0x55, '*', '*'],
    [0x56, '-', '-'],
    [0x57, '+', '+'],
    [0x59, '1', '1'],
    [0x5a, '2', '2'],
    [0x5b, '3', '3'],
    [0x5c, '4', '4'],
    [0x5d, '5', '5'],
    [0x5e, '6', '6'],
    [0x5f, '7', '7'],
    [0x60, '8', '8'],
    [0x61, '9', '9'],
    [0x62, '0', '0'],
    [0x63, '.', '.'],
  ];
  for (const [u, a, b] of punct) t[u] = [a, b];
  return t;
})();

/** Non-character keys, by KeyboardEvent.key name. */
const NAMED: Record<number, string> = {
  0x28: 'Enter',
  0x29: 'Escape',
  0x2a: 'Backspace',
  0x2b: 'Tab',
  0x58: 'Enter', // Keypad Enter
};
const CAPS_LOCK = 0x39;
const ERROR_USAGES = new Set([0x01, 0x02, 0x03]);

/** Ctrl + key → C0 control character, as wedge scanners send GS (FNC1) as Ctrl+]. */
function controlChar(base: string): string | undefined {
  if (base >= 'a' && base <= 'z') return String.fromCharCode(base.charCodeAt(0) - 0x60);
  if (base === '[') return '\x1b';
  if (base === '\\') return '\x1c';
  if (base === ']') return '\x1d';
  return undefined;
}

/** A key press: one character, or a KeyboardEvent.key name ('Enter', 'Tab', 'Backspace', 'Escape'). */
export type KeyPress = string;

export type BootReportResult = { ok: true; keys: KeyPress[] } | { ok: false; reason: string };

export class BootKeyboardDecoder {
  private held = new Set<number>();
  private capsLock = false;

  /** `reportId`: strip this first byte (devices with numbered reports prefix one). */
  constructor(private readonly reportId?: number) {}

  push(report: Uint8Array): BootReportResult {
    let r = report;
    if (this.reportId !== undefined) {
      if (r[0] !== this.reportId) return { ok: false, reason: 'other report id' };
      r = r.subarray(1);
    }
    if (r.length !== BOOT_REPORT_BYTES) return { ok: false, reason: `report of ${r.length} bytes` };
    const usages = Array.from(r.subarray(2)).filter((u) => u !== 0);
    // Rollover/POST errors carry no key state: keep the previous one (HID 1.11 App. B.1).
    if (usages.some((u) => ERROR_USAGES.has(u))) return { ok: false, reason: 'rollover' };
    const mods = r[0]!;
    const shift = (mods & 0x22) !== 0;
    const ctrl = (mods & 0x11) !== 0;
    const altOrGui = (mods & 0xcc) !== 0;
    const keys: KeyPress[] = [];
    for (const u of usages) {
      if (this.held.has(u)) continue;
      if (u === CAPS_LOCK) {
        this.capsLock = !this.capsLock;
        continue;
      }
      if (altOrGui) continue; // a shortcut, not text
      const named = NAMED[u];
      if (named) {
        keys.push(named);
        continue;
      }
      const pair = US_LAYOUT[u];
      if (!pair) continue; // F-keys, arrows…: not text
      if (ctrl) {
        const c = controlChar(pair[0]);
        if (c) keys.push(c);
        continue;
      }
      const isLetter = u >= 0x04 && u <= 0x1d;
      keys.push(pair[shift !== (isLetter && this.capsLock) ? 1 : 0]);
    }
    this.held = new Set(usages);
    return { ok: true, keys };
  }

  reset(): void {
    this.held.clear();
    this.capsLock = false;
  }
}

/** Key presses → the bytes a serial device would have sent (Enter → CR, Tab → HT). */
export function keysToBytes(keys: readonly KeyPress[]): Uint8Array {
  const out: number[] = [];
  for (const k of keys) {
    if (k === 'Enter') out.push(0x0d);
    else if (k === 'Tab') out.push(0x09);
    else if (k.length === 1 && k.charCodeAt(0) <= 0xff) out.push(k.charCodeAt(0));
    else out.push(0x1b); // Escape/Backspace: a byte no codec accepts in a frame, so the read fails
  }
  return Uint8Array.from(out);
}
