/**
 * The technician's device form, as data: which settings each kind of device has over each
 * transport, where each one lives (in the spec's `?query`, as src/drivers/device-spec.ts parses
 * it, or in the device's `options`, as the drivers read them) and which values it takes. The
 * renderer draws one form from this (src/renderer/screens/TechSettings.tsx) instead of asking for
 * raw JSON; the core still validates what is saved. test/unit/device-fields.test.ts keeps these
 * lists equal to what the parser and the drivers accept.
 */
export type FieldPlace = 'spec' | 'options';

export interface DeviceField {
  key: string;
  place: FieldPlace;
  type: 'select' | 'number' | 'text' | 'bool';
  /** For selects: the values offered (the empty choice means "driver default"). */
  choices?: ReadonlyArray<string | number>;
  min?: number;
  max?: number;
}

/** Standard rates the spec parser accepts (device-spec.ts BAUD_RATES). */
export const BAUD_RATES = [
  110, 300, 600, 1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200, 230400, 460800, 921600,
] as const;

/** Framing names per kind (src/drivers/magstripe/framings.ts, src/drivers/barcode/framings.ts). */
export const FRAMINGS: Record<'magstripe' | 'barcode', readonly string[]> = {
  magstripe: ['plain', 'plain-lrc', 'none', 'stx-etx'],
  barcode: ['plain', 'stx-etx', 'none'],
};

/** Receipt widths in characters per line the ESC/POS layout supports (58 mm: 32, 80 mm: 48). */
export const PRINTER_WIDTHS = [32, 48] as const;

const serialLine: DeviceField[] = [
  { key: 'baud', place: 'spec', type: 'select', choices: BAUD_RATES },
  { key: 'dataBits', place: 'spec', type: 'select', choices: [7, 8] },
  { key: 'parity', place: 'spec', type: 'select', choices: ['none', 'even', 'odd'] },
  { key: 'stopBits', place: 'spec', type: 'select', choices: [1, 2] },
];

function readerFraming(kind: 'magstripe' | 'barcode'): DeviceField[] {
  return [
    { key: 'framing', place: 'spec', type: 'select', choices: FRAMINGS[kind] },
    { key: 'prefix', place: 'options', type: 'text', max: 16 },
    { key: 'suffix', place: 'options', type: 'text', max: 16 },
    ...(kind === 'magstripe' ? [{ key: 'trackLrc', place: 'options' as const, type: 'bool' as const }] : []),
    { key: 'idleFlushMs', place: 'options', type: 'number', min: 10, max: 10_000 },
    { key: 'maxFrameBytes', place: 'options', type: 'number', min: 16, max: 65_536 },
  ];
}

/** The settings of a device of this kind on this transport (sim devices have none). */
export function deviceFields(kind: string, transport: string): DeviceField[] {
  if (transport === 'sim') return [];
  switch (kind) {
    case 'magstripe':
    case 'barcode':
      if (transport === 'serial') return [...serialLine, ...readerFraming(kind)];
      if (transport === 'hid')
        return [{ key: 'mode', place: 'spec', type: 'select', choices: ['keyboard', 'pos'] }];
      return [];
    case 'printer':
      return [
        ...(transport === 'serial' ? serialLine.slice(0, 1) : []),
        { key: 'width', place: 'options', type: 'select', choices: PRINTER_WIDTHS },
      ];
    case 'ic':
      return [{ key: 'aid', place: 'options', type: 'text', max: 32 }];
    default:
      return [];
  }
}

/** The transport of a spec string ("serial:/dev/ttyUSB0?baud=9600" → "serial"). */
export function specTransport(spec: string): string {
  const i = spec.indexOf(':');
  return i < 0 ? spec : spec.slice(0, i);
}

/** The `?query` settings of a spec. */
export function specQuery(spec: string): Map<string, string> {
  const q = spec.indexOf('?');
  const out = new Map<string, string>();
  if (q < 0) return out;
  for (const part of spec.slice(q + 1).split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    out.set(eq < 0 ? part : part.slice(0, eq), eq < 0 ? '' : part.slice(eq + 1));
  }
  return out;
}

/** The spec with its `?query` replaced (an empty value removes the setting). */
export function withSpecQuery(spec: string, settings: Map<string, string>): string {
  const q = spec.indexOf('?');
  const base = q < 0 ? spec : spec.slice(0, q);
  const parts = [...settings].filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`);
  return parts.length ? `${base}?${parts.join('&')}` : base;
}
