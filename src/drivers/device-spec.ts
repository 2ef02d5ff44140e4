/**
 * Device specs: one string per device in the config file, saying how to reach it.
 *
 *   serial:/dev/ttyUSB0?baud=9600&framing=plain   serial:COM3      (options: baud, framing,
 *                                                                   dataBits, parity, stopBits)
 *   pcsc:ACS ACR122U PICC Interface 00 00         pcsc:*           (any PC/SC reader)
 *   tcp:192.168.1.50:9100    tcp:printer.local:9100    tcp:[fe80::1]:9100
 *   hid:0c2e:0b8f            hid:0c2e:0b8f?mode=pos             (vendor:product hex; mode
 *                                                                   keyboard (default) | pos)
 *   psam:<PC/SC reader name>  (the reader holding the PSAM, PBOC e-purse)
 *   sim:magstripe | sim:barcode | sim:ic | sim:printer | sim:psam
 *
 * parseDeviceSpec never throws: a bad spec is a DeviceSpecError value with a stable code.
 */
import { z } from 'zod';
import { DeviceKind } from '../shared/devices';

export type SerialParity = 'none' | 'even' | 'odd';

export type DeviceSpec =
  | {
      transport: 'serial';
      path: string;
      baudRate?: number;
      framing?: string;
      dataBits?: 7 | 8;
      parity?: SerialParity;
      stopBits?: 1 | 2;
    }
  /** `reader: null` means any reader (`pcsc:*`). */
  | { transport: 'pcsc'; reader: string | null }
  /** The PC/SC reader (exact name) whose slot holds the PSAM. */
  | { transport: 'psam'; reader: string }
  | { transport: 'tcp'; host: string; port: number }
  | { transport: 'hid'; vendorId: number; productId: number; mode: 'keyboard' | 'pos' }
  /** Linux USB printer class device file (`usblp:/dev/usb/lp0`): write-only, no real-time status. */
  | { transport: 'usblp'; path: string }
  | { transport: 'sim'; kind: DeviceKind };

export type DeviceTransport = DeviceSpec['transport'];

export type DeviceSpecErrorCode =
  | 'EMPTY'
  | 'UNKNOWN_TRANSPORT'
  | 'BAD_PATH'
  | 'BAD_OPTION'
  | 'BAD_HOST'
  | 'BAD_PORT'
  | 'BAD_USB_ID'
  | 'BAD_KIND'
  | 'BAD_READER';

export class DeviceSpecError extends Error {
  constructor(
    readonly code: DeviceSpecErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceSpecError';
  }
}

export type DeviceSpecResult = { ok: true; spec: DeviceSpec } | { ok: false; error: DeviceSpecError };

const fail = (code: DeviceSpecErrorCode, message: string): DeviceSpecResult => ({
  ok: false,
  error: new DeviceSpecError(code, message),
});

const CONTROL = /[\u0000-\u001f\u007f]/;
const BAUD_RATES = new Set([
  110, 300, 600, 1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200, 230400, 460800, 921600,
]);

export function parseDeviceSpec(input: string): DeviceSpecResult {
  if (typeof input !== 'string' || input.trim() === '') return fail('EMPTY', 'empty device spec');
  if (CONTROL.test(input)) return fail('BAD_PATH', 'control character in device spec');
  const colon = input.indexOf(':');
  const scheme = colon < 0 ? input : input.slice(0, colon);
  const rest = colon < 0 ? '' : input.slice(colon + 1);
  switch (scheme) {
    case 'serial':
      return parseSerial(rest);
    case 'pcsc':
      if (rest === '*') return { ok: true, spec: { transport: 'pcsc', reader: null } };
      if (rest.trim() === '') return fail('BAD_READER', 'pcsc: needs a reader name or *');
      return { ok: true, spec: { transport: 'pcsc', reader: rest } };
    case 'psam':
      if (rest.trim() === '') return fail('BAD_READER', 'psam: needs the PC/SC reader name of the PSAM');
      return { ok: true, spec: { transport: 'psam', reader: rest } };
    case 'tcp':
      return parseTcp(rest);
    case 'hid':
      return parseHid(rest);
    case 'usblp': {
      const path = rest === '' ? '/dev/usb/lp0' : rest;
      if (/\s/.test(path) || !path.startsWith('/'))
        return fail('BAD_PATH', 'usblp: needs an absolute device path');
      return { ok: true, spec: { transport: 'usblp', path } };
    }
    case 'sim': {
      const k = DeviceKind.safeParse(rest);
      if (!k.success) return fail('BAD_KIND', `sim: kind must be one of ${DeviceKind.options.join(', ')}`);
      return { ok: true, spec: { transport: 'sim', kind: k.data } };
    }
    default:
      return fail(
        'UNKNOWN_TRANSPORT',
        'device spec must start with serial:, pcsc:, psam:, tcp:, hid:, usblp: or sim:',
      );
  }
}

/** As parseDeviceSpec, throwing the DeviceSpecError (for config loading at startup). */
export function parseDeviceSpecOrThrow(input: string): DeviceSpec {
  const r = parseDeviceSpec(input);
  if (!r.ok) throw r.error;
  return r.spec;
}

function parseQuery(q: string): Map<string, string> | DeviceSpecError {
  const m = new Map<string, string>();
  if (q === '') return m;
  for (const part of q.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return new DeviceSpecError('BAD_OPTION', 'options must be key=value');
    const k = part.slice(0, eq);
    if (m.has(k)) return new DeviceSpecError('BAD_OPTION', `option ${k} given twice`);
    m.set(k, part.slice(eq + 1));
  }
  return m;
}

function parseSerial(rest: string): DeviceSpecResult {
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  if (path === '' || /\s/.test(path))
    return fail('BAD_PATH', 'serial: needs a port path such as /dev/ttyUSB0 or COM3');
  const opts = parseQuery(q < 0 ? '' : rest.slice(q + 1));
  if (opts instanceof DeviceSpecError) return { ok: false, error: opts };
  const spec: Extract<DeviceSpec, { transport: 'serial' }> = { transport: 'serial', path };
  for (const [k, v] of opts) {
    if (k === 'baud') {
      if (!/^\d{2,7}$/.test(v) || !BAUD_RATES.has(Number(v)))
        return fail('BAD_OPTION', 'baud must be a standard rate');
      spec.baudRate = Number(v);
    } else if (k === 'framing') {
      if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(v)) return fail('BAD_OPTION', 'framing must be a framing name');
      spec.framing = v;
    } else if (k === 'dataBits') {
      if (v !== '7' && v !== '8') return fail('BAD_OPTION', 'dataBits must be 7 or 8');
      spec.dataBits = v === '7' ? 7 : 8;
    } else if (k === 'parity') {
      if (v !== 'none' && v !== 'even' && v !== 'odd')
        return fail('BAD_OPTION', 'parity must be none, even or odd');
      spec.parity = v;
    } else if (k === 'stopBits') {
      if (v !== '1' && v !== '2') return fail('BAD_OPTION', 'stopBits must be 1 or 2');
      spec.stopBits = v === '1' ? 1 : 2;
    } else return fail('BAD_OPTION', 'unknown serial option (baud, framing, dataBits, parity, stopBits)');
  }
  return { ok: true, spec };
}

function parsePort(p: string): number | undefined {
  if (!/^\d{1,5}$/.test(p)) return undefined;
  const n = Number(p);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function parseTcp(rest: string): DeviceSpecResult {
  let host: string;
  let portText: string;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return fail('BAD_HOST', 'tcp: IPv6 host must be [addr]:port');
    host = rest.slice(1, close);
    portText = rest.slice(close + 2);
    if (!/^[0-9a-fA-F:.]+$/.test(host) || !host.includes(':'))
      return fail('BAD_HOST', 'tcp: bad IPv6 address');
  } else {
    const c = rest.lastIndexOf(':');
    if (c < 0) return fail('BAD_PORT', 'tcp: needs host:port');
    host = rest.slice(0, c);
    portText = rest.slice(c + 1);
    const label = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
    if (host.length === 0 || host.length > 253 || !host.split('.').every((l) => label.test(l))) {
      return fail('BAD_HOST', 'tcp: bad host name or address');
    }
    if (/^[\d.]+$/.test(host)) {
      const octets = host.split('.');
      if (octets.length !== 4 || octets.some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) {
        return fail('BAD_HOST', 'tcp: bad IPv4 address');
      }
    }
  }
  const port = parsePort(portText);
  if (port === undefined) return fail('BAD_PORT', 'tcp: port must be 1–65535');
  return { ok: true, spec: { transport: 'tcp', host, port } };
}

function parseHid(rest: string): DeviceSpecResult {
  const q = rest.indexOf('?');
  const ids = q < 0 ? rest : rest.slice(0, q);
  const m = /^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})$/.exec(ids);
  if (!m) return fail('BAD_USB_ID', 'hid: needs <vendor hex>:<product hex>, e.g. hid:0c2e:0b8f');
  const opts = parseQuery(q < 0 ? '' : rest.slice(q + 1));
  if (opts instanceof DeviceSpecError) return { ok: false, error: opts };
  let mode: 'keyboard' | 'pos' = 'keyboard';
  for (const [k, v] of opts) {
    if (k !== 'mode' || (v !== 'keyboard' && v !== 'pos'))
      return fail('BAD_OPTION', 'hid: only option is mode=keyboard|pos');
    mode = v;
  }
  return {
    ok: true,
    spec: { transport: 'hid', vendorId: parseInt(m[1]!, 16), productId: parseInt(m[2]!, 16), mode },
  };
}

/** The canonical string for a spec (what discovery reports and list() shows as path). */
export function formatDeviceSpec(s: DeviceSpec): string {
  const hex = (n: number) => n.toString(16).padStart(4, '0');
  switch (s.transport) {
    case 'serial': {
      const q = [
        s.baudRate !== undefined ? `baud=${s.baudRate}` : '',
        s.framing !== undefined ? `framing=${s.framing}` : '',
        s.dataBits !== undefined ? `dataBits=${s.dataBits}` : '',
        s.parity !== undefined ? `parity=${s.parity}` : '',
        s.stopBits !== undefined ? `stopBits=${s.stopBits}` : '',
      ].filter(Boolean);
      return `serial:${s.path}${q.length ? '?' + q.join('&') : ''}`;
    }
    case 'pcsc':
      return `pcsc:${s.reader ?? '*'}`;
    case 'psam':
      return `psam:${s.reader}`;
    case 'tcp':
      return `tcp:${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;
    case 'hid':
      return `hid:${hex(s.vendorId)}:${hex(s.productId)}${s.mode === 'pos' ? '?mode=pos' : ''}`;
    case 'usblp':
      return `usblp:${s.path}`;
    case 'sim':
      return `sim:${s.kind}`;
  }
}

/** Which device kinds each transport can carry. */
export function specFitsKind(kind: ConfigKind, spec: DeviceSpec): boolean {
  switch (spec.transport) {
    case 'serial':
      return kind === 'magstripe' || kind === 'barcode' || kind === 'printer';
    case 'hid':
      return kind === 'magstripe' || kind === 'barcode';
    case 'pcsc':
      return kind === 'ic';
    case 'psam':
      return kind === 'psam';
    case 'tcp':
    case 'usblp':
      return kind === 'printer';
    case 'sim':
      return spec.kind === kind;
  }
}

export const ConfigKind = z.enum(['magstripe', 'barcode', 'ic', 'printer', 'psam']);
export type ConfigKind = z.infer<typeof ConfigKind>;

/**
 * Per-device options. Reader framing options are typed here; other drivers (printer, IC) may add
 * their own keys, which pass through untouched.
 */
export const DeviceOptions = z
  .object({
    /** Framing name (overrides `framing=` in the spec). */
    framing: z.string().optional(),
    /** Prefix / suffix bytes as text with \r \n \t \xNN escapes, e.g. "\x02" for STX. */
    prefix: z.string().max(16).optional(),
    suffix: z.string().max(16).optional(),
    /** Magstripe: the reader sends each track's LRC after its end sentinel. */
    trackLrc: z.boolean().optional(),
    idleFlushMs: z.number().int().min(10).max(10_000).optional(),
    maxFrameBytes: z.number().int().min(16).max(65_536).optional(),
  })
  .catchall(z.unknown());
export type DeviceOptions = z.infer<typeof DeviceOptions>;

export const DeviceConfig = z.object({
  id: z.string().min(1).max(64),
  kind: ConfigKind,
  spec: z.string().min(1),
  options: DeviceOptions.optional(),
});
export type DeviceConfig = z.infer<typeof DeviceConfig>;
