/**
 * The device registry: builds one driver per configured device, forwards every driver's events,
 * tracks each device's health and last event (masked — never a full card number), discovers what
 * is plugged in, and is what the terminal core and the technician screen talk to.
 *
 * IC (PC/SC) and printer drivers come from ./ic and ./printer; they are loaded with dynamic imports
 * on start() so that a missing native stack (nfc-pcsc, pcscd) cannot break the readers, and so that
 * tests can inject factories. Drivers never throw for absent devices (types.ts): each just reports
 * its state; a device whose config or spec is wrong shows up in list() with state 'error'.
 */
import { discoverSerialPorts, type DiscoveryNote, type SerialDiscoveryOptions } from './serial-discovery';
import { maskPan, maskPansInText } from '../shared/card';
import type { DeviceEvent, DeviceEventSummary, DeviceInfo } from '../shared/devices';
import { isPrinter, isSimulated, type DeviceDriver, type PrinterDriver, type SimInput } from './types';
import {
  ConfigKind,
  DeviceConfig,
  formatDeviceSpec,
  parseDeviceSpec,
  specFitsKind,
  type DeviceSpec,
} from './device-spec';
import { DriverBase, type ReceiptScanEvent, type ScanListener } from './serial/driver-base';
import type { ReconnectOptions } from './serial/reconnecting-port';
import {
  createHidMagstripe,
  createSerialMagstripe,
  resolveMsrProtocol,
  SimMagstripeDriver,
} from './magstripe/driver';
import {
  createHidScanner,
  createSerialScanner,
  resolveScannerProtocol,
  SimScannerDriver,
} from './barcode/driver';
import { BARCODE_SCANNER_PAGE } from './hid/pos-scanner';
import { loadNodeHid } from './hid/hid-source';
import { createPcscPsam, createSimPsam } from './ic/epurse/psam-driver';

export type { DeviceConfig } from './device-spec';

type PcscSpec = Extract<DeviceSpec, { transport: 'pcsc' }>;

export interface FactoryContext {
  clock: () => number;
  log: (line: string) => void;
}

/**
 * How the registry makes the drivers it does not own. The defaults adapt the exports of
 * src/drivers/ic and src/drivers/printer; tests and demo hosts may replace any of them.
 */
export interface DriverFactories {
  pcscReader(config: DeviceConfig, spec: PcscSpec, ctx: FactoryContext): DeviceDriver;
  simIcReader(id: string, ctx: FactoryContext): DeviceDriver;
  printer(config: DeviceConfig, spec: DeviceSpec, ctx: FactoryContext): DeviceDriver;
  simPrinter(id: string, ctx: FactoryContext): DeviceDriver;
  /** PC/SC reader names, or why PC/SC cannot be asked. */
  listPcscReaders(): Promise<string[] | { unavailable: string }>;
}

export interface RegistryOptions {
  clock?: () => number;
  log?: (line: string) => void;
  factories?: Partial<DriverFactories>;
  /** Serial reopen backoff (tests shorten it). */
  reconnect?: ReconnectOptions;
  /** Where discovery looks for serial device files without udev (tests hand in a fake /dev). */
  discovery?: SerialDiscoveryOptions;
}

/** What discover found, and why the list may be incomplete (shown on the technician's screen). */
export interface DiscoveryReport {
  devices: DiscoveredDevice[];
  notes: DiscoveryNote[];
}

export interface DiscoveredDevice {
  spec: string;
  kind?: string;
  detail: string;
  /** New since the previous discover() call. */
  appeared?: boolean;
  /** Id of the configured device that uses this spec, if any. */
  configuredAs?: string;
}

export type SimulateOutcome =
  { ok: true } | { ok: false; reason: 'NO_SUCH_DEVICE' | 'NOT_SIMULATED' | 'NOT_STARTED' };

/** A configured device that could not be built: shows in list() with its reason, does nothing. */
class BrokenDevice extends DriverBase {
  constructor(
    config: { id: string; kind: DeviceInfo['kind']; spec: string },
    transport: string,
    reason: string,
    state: 'error' | 'unavailable' = 'error',
  ) {
    super(config.id, config.kind, transport, config.spec, false);
    this.state = state;
    this.detail = reason;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

interface Entry {
  id: string;
  config?: DeviceConfig;
  spec?: DeviceSpec;
  driver?: DeviceDriver;
  /** Why the driver could not be built (config/spec error, module failed to load). */
  problem?: string;
  lastEvent?: string;
  lastEventSummary?: DeviceEventSummary;
  lastEventAt?: number;
  unsubscribe: Array<() => void>;
}

/** The demo devices: everything simulated (DESIGN.md "Embedded default"). */
export function createDemoDevices(): DeviceConfig[] {
  return [
    { id: 'sim-msr', kind: 'magstripe', spec: 'sim:magstripe' },
    { id: 'sim-scanner', kind: 'barcode', spec: 'sim:barcode' },
    { id: 'sim-ic', kind: 'ic', spec: 'sim:ic' },
    { id: 'sim-printer', kind: 'printer', spec: 'sim:printer' },
    // The demo PSAM (DEMO-ONLY keys, the demo issuer's): chip purchases on simulated e-purse cards.
    { id: 'sim-psam', kind: 'psam', spec: 'sim:psam' },
  ];
}

/** One line about an event, safe for a log or the technician screen (card numbers masked). */
export function describeEvent(e: DeviceEvent): string {
  switch (e.type) {
    case 'card':
      return `card ${e.card.entryMode} ${maskPan(e.card.pan)}`;
    case 'error':
      return maskPansInText(`error ${e.code}${e.detail ? `: ${e.detail}` : ''}`);
    case 'state':
      return maskPansInText(`state ${e.state}${e.detail ? ` (${e.detail})` : ''}`);
    case 'receipt':
      return `scan receipt code${e.symbology ? ` (${e.symbology})` : ''}`;
  }
}

/** The same event as data for the screens, which word it in their language (card masked). */
export function summarizeEvent(e: DeviceEvent): DeviceEventSummary {
  switch (e.type) {
    case 'card':
      return { type: 'card', entryMode: e.card.entryMode, masked: maskPan(e.card.pan) };
    case 'error':
      return { type: 'error', code: e.code };
    case 'state':
      return { type: 'state', state: e.state };
    case 'receipt':
      return { type: 'receipt' };
  }
}

export class DeviceRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  private readonly scanListeners = new Set<ScanListener>();
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  private readonly opts: RegistryOptions;
  private started = false;
  private lastDiscovered: Set<string> | undefined;

  constructor(configs: DeviceConfig[], opts: RegistryOptions = {}) {
    this.opts = opts;
    this.clock = opts.clock ?? Date.now;
    const log = opts.log ?? (() => {});
    this.log = (line) => log(maskPansInText(line));
    configs.forEach((raw, i) => this.addEntry(raw, i));
  }

  /** Builds and starts every driver. Never throws for an absent or broken device. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const factories = await this.factories();
    for (const entry of this.entries.values()) {
      if (entry.driver || !entry.config || !entry.spec) continue;
      try {
        entry.driver = this.build(entry.config, entry.spec, factories);
      } catch (err) {
        entry.problem = `driver failed to build: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (!entry.driver) {
        entry.driver = new BrokenDevice(entry.config, entry.spec.transport, entry.problem ?? 'no driver');
      }
      this.subscribe(entry);
    }
    await Promise.all(
      [...this.entries.values()].map(async (e) => {
        try {
          await e.driver?.start();
        } catch (err) {
          this.log(`${e.id}: start failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
  }

  /** Stops every driver (each closes its device and stops retrying). Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all(
      [...this.entries.values()].map(async (e) => {
        try {
          await e.driver?.stop();
        } catch (err) {
          this.log(`${e.id}: stop failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
  }

  list(): DeviceInfo[] {
    return [...this.entries.values()].map((e) => {
      const base: DeviceInfo = e.driver
        ? e.driver.info()
        : {
            id: e.id,
            kind: e.config?.kind ?? 'magstripe',
            transport: e.spec?.transport ?? 'unknown',
            path: e.config?.spec ?? '',
            state: e.problem ? 'error' : 'disconnected',
            simulated: e.spec?.transport === 'sim',
            detail: e.problem ?? 'not started',
          };
      return {
        ...base,
        ...(base.detail !== undefined ? { detail: maskPansInText(base.detail) } : {}),
        ...(e.lastEvent !== undefined
          ? { lastEvent: e.lastEvent, lastEventSummary: e.lastEventSummary, lastEventAt: e.lastEventAt }
          : {}),
      };
    });
  }

  get(id: string): DeviceDriver | undefined {
    return this.entries.get(id)?.driver;
  }

  /** Every driver's events, in order per device. Returns an unsubscribe function. */
  onEvent(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Receipt QR scans (`CTR1…`) from any scanner. The same scans also reach onEvent() listeners as
   * `{ type: 'receipt' }` DeviceEvents (what the app forwards to the UI as `receipt.scanned`).
   */
  onScan(listener: (e: ReceiptScanEvent) => void): () => void {
    this.scanListeners.add(listener);
    return () => this.scanListeners.delete(listener);
  }

  simulate(id: string, input: SimInput): SimulateOutcome {
    const e = this.entries.get(id);
    if (!e) return { ok: false, reason: 'NO_SUCH_DEVICE' };
    if (!e.driver) return { ok: false, reason: 'NOT_STARTED' };
    if (!isSimulated(e.driver)) return { ok: false, reason: 'NOT_SIMULATED' };
    e.driver.simulate(input);
    return { ok: true };
  }

  /** The configuration of every device (as given, or as last set by reconfigure()). */
  configs(): DeviceConfig[] {
    return [...this.entries.values()].flatMap((e) => (e.config ? [e.config] : []));
  }

  /**
   * Hot-applies a device's new configuration: stops that one driver, builds it again from the new
   * spec and options, and starts it (if the registry runs). Other devices are untouched. A new id
   * adds a device. A bad spec leaves the device in state 'error' with the reason, like at start.
   */
  async reconfigure(raw: DeviceConfig): Promise<DeviceInfo | undefined> {
    const old = this.entries.get(raw.id);
    if (old) {
      for (const off of old.unsubscribe) off();
      try {
        await old.driver?.stop();
      } catch (err) {
        this.log(`${old.id}: stop failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.entries.delete(raw.id);
    }
    this.addEntry(raw, this.entries.size);
    const entry = this.entries.get(raw.id);
    if (!entry) return undefined;
    this.log(`${entry.id}: reconfigured (${raw.spec})`);
    if (this.started) {
      const factories = await this.factories();
      if (!entry.driver && entry.config && entry.spec) {
        try {
          entry.driver = this.build(entry.config, entry.spec, factories);
        } catch (err) {
          entry.problem = `driver failed to build: ${err instanceof Error ? err.message : String(err)}`;
        }
        entry.driver ??= new BrokenDevice(entry.config, entry.spec.transport, entry.problem ?? 'no driver');
      }
      this.subscribe(entry);
      try {
        await entry.driver?.start();
      } catch (err) {
        this.log(`${entry.id}: start failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return this.list().find((d) => d.id === raw.id);
  }

  /** The printer with this id, or the first configured printer. */
  printer(id?: string): PrinterDriver | undefined {
    for (const e of this.entries.values()) {
      if (id !== undefined && e.id !== id) continue;
      if (e.driver && isPrinter(e.driver)) return e.driver;
    }
    return undefined;
  }

  /** What is plugged in now (see discoverReport). */
  async discover(): Promise<DiscoveredDevice[]> {
    return (await this.discoverReport()).devices;
  }

  /**
   * What is plugged in now: serial ports (udev via SerialPort.list(), else the /dev device files),
   * PC/SC readers (via ./ic), HID POS scanners (via node-hid, if installed), with notes saying
   * what could not be asked. Logs what appeared and disappeared since the last call.
   */
  async discoverReport(): Promise<DiscoveryReport> {
    const found: DiscoveredDevice[] = [];
    const notes: DiscoveryNote[] = [];
    const serial = await discoverSerialPorts(this.opts.discovery);
    found.push(...serial.ports);
    if (serial.note) {
      notes.push(serial.note);
      this.log(
        serial.note.code === 'serial-fallback'
          ? `discover: udev did not list serial ports (${serial.note.detail}); listed the /dev device files instead`
          : `discover: serial ports not listed: ${serial.note.detail}`,
      );
    }
    try {
      const f = await this.factories();
      const readers = await f.listPcscReaders();
      if (Array.isArray(readers))
        for (const r of readers) found.push({ spec: `pcsc:${r}`, kind: 'ic', detail: 'PC/SC reader' });
      else {
        notes.push({ code: 'pcsc-unavailable', detail: readers.unavailable });
        this.log(`discover: PC/SC: ${readers.unavailable}`);
      }
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      notes.push({ code: 'pcsc-unavailable', detail: why });
      this.log(`discover: PC/SC not listed: ${why}`);
    }
    const hid = await loadNodeHid();
    if (typeof hid !== 'string') {
      try {
        for (const d of (await hid.devicesAsync()) as Array<{
          vendorId: number;
          productId: number;
          usagePage?: number;
          product?: string;
        }>) {
          if (d.usagePage !== BARCODE_SCANNER_PAGE) continue;
          const spec = formatDeviceSpec({
            transport: 'hid',
            vendorId: d.vendorId,
            productId: d.productId,
            mode: 'pos',
          });
          if (!found.some((x) => x.spec === spec))
            found.push({ spec, kind: 'barcode', detail: d.product ?? 'HID POS scanner' });
        }
      } catch (err) {
        this.log(`discover: HID not listed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }

    const now = new Set(found.map((d) => d.spec));
    const before = this.lastDiscovered;
    for (const d of found) {
      if (before && !before.has(d.spec)) {
        d.appeared = true;
        this.log(`discover: appeared ${d.spec}`);
      }
      const used = [...this.entries.values()].find((e) => e.spec && sameDevice(e.spec, d.spec));
      if (used) d.configuredAs = used.id;
    }
    if (before) for (const s of before) if (!now.has(s)) this.log(`discover: disappeared ${s}`);
    this.lastDiscovered = now;
    return { devices: found, notes };
  }

  private addEntry(raw: DeviceConfig, index: number): void {
    const entry = this.parseEntry(raw, index);
    if (!entry) return;
    if (entry.problem) {
      const kind =
        entry.config?.kind ??
        (ConfigKind.safeParse(raw?.kind).data as DeviceInfo['kind'] | undefined) ??
        'magstripe';
      const spec = typeof raw?.spec === 'string' ? raw.spec : '';
      entry.driver = new BrokenDevice(
        { id: entry.id, kind, spec },
        entry.spec?.transport ?? 'unknown',
        entry.problem,
      );
    }
  }

  private parseEntry(raw: DeviceConfig, index: number): Entry | undefined {
    const parsed = DeviceConfig.safeParse(raw);
    const id = parsed.success
      ? parsed.data.id
      : typeof raw?.id === 'string' && raw.id
        ? raw.id
        : `device-${index}`;
    if (this.entries.has(id)) {
      this.log(`config: device id "${id}" used twice; the second is ignored`);
      return undefined;
    }
    const entry: Entry = { id, unsubscribe: [] };
    this.entries.set(id, entry);
    if (!parsed.success) {
      entry.problem = `bad device config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
      return entry;
    }
    entry.config = parsed.data;
    const spec = parseDeviceSpec(parsed.data.spec);
    if (!spec.ok) {
      entry.problem = `bad device spec (${spec.error.code}): ${spec.error.message}`;
      return entry;
    }
    if (!specFitsKind(parsed.data.kind, spec.spec)) {
      entry.problem = `a ${spec.spec.transport} spec cannot be a ${parsed.data.kind} device`;
      return entry;
    }
    entry.spec = spec.spec;
    return entry;
  }

  private build(config: DeviceConfig, spec: DeviceSpec, f: DriverFactories): DeviceDriver | undefined {
    const ctx: FactoryContext = { clock: this.clock, log: this.log };
    const dopts = {
      clock: this.clock,
      log: this.log,
      ...(this.opts.reconnect ? { reconnect: this.opts.reconnect } : {}),
    };
    const broken = (reason: string) => new BrokenDevice(config, spec.transport, reason);
    switch (config.kind) {
      case 'magstripe': {
        if (spec.transport === 'sim') return new SimMagstripeDriver(config.id, undefined, dopts);
        if (spec.transport === 'hid') return createHidMagstripe(config.id, spec, dopts);
        if (spec.transport !== 'serial') return undefined;
        const p = resolveMsrProtocol(spec.framing, config.options);
        return p.ok ? createSerialMagstripe(config.id, spec, p.protocol, dopts) : broken(p.reason);
      }
      case 'barcode': {
        if (spec.transport === 'sim') return new SimScannerDriver(config.id, undefined, dopts);
        if (spec.transport === 'hid') return createHidScanner(config.id, spec, dopts);
        if (spec.transport !== 'serial') return undefined;
        const p = resolveScannerProtocol(spec.framing, config.options);
        return p.ok ? createSerialScanner(config.id, spec, p.protocol, dopts) : broken(p.reason);
      }
      case 'ic':
        if (spec.transport === 'sim') return f.simIcReader(config.id, ctx);
        if (spec.transport === 'pcsc') return f.pcscReader(config, spec, ctx);
        return undefined;
      case 'printer':
        if (spec.transport === 'sim') return f.simPrinter(config.id, ctx);
        return f.printer(config, spec, ctx);
      // PBOC e-purse secure module (src/drivers/ic/epurse/psam-driver.ts).
      case 'psam':
        if (spec.transport === 'sim') return createSimPsam(config.id, { log: this.log, now: this.clock });
        if (spec.transport === 'psam')
          return createPcscPsam(config.id, spec.reader, { log: this.log, now: this.clock });
        return undefined;
    }
  }

  private subscribe(entry: Entry): void {
    const d = entry.driver;
    if (!d) return;
    entry.unsubscribe.push(
      d.onEvent((e) => {
        entry.lastEvent = describeEvent(e);
        entry.lastEventSummary = summarizeEvent(e);
        entry.lastEventAt = e.at;
        if (e.type !== 'card') this.log(`${entry.id}: ${entry.lastEvent}`);
        for (const l of [...this.listeners]) {
          try {
            l(e);
          } catch (err) {
            this.log(`registry listener threw: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }),
    );
    const scanner = d as DeviceDriver & { onScan?: (l: ScanListener) => () => void };
    if (typeof scanner.onScan === 'function') {
      entry.unsubscribe.push(
        scanner.onScan((e) => {
          const event: DeviceEvent = {
            type: 'receipt',
            deviceId: e.deviceId,
            at: e.at,
            text: e.text,
            ...(e.symbology ? { symbology: e.symbology } : {}),
          };
          entry.lastEvent = describeEvent(event);
          entry.lastEventSummary = summarizeEvent(event);
          entry.lastEventAt = e.at;
          for (const l of [...this.listeners]) {
            try {
              l(event);
            } catch (err) {
              this.log(`registry listener threw: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
          for (const l of [...this.scanListeners]) {
            try {
              l(e);
            } catch (err) {
              this.log(`registry scan listener threw: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
        }),
      );
    }
  }

  private factoriesPromise: Promise<DriverFactories> | undefined;

  private factories(): Promise<DriverFactories> {
    this.factoriesPromise ??= loadDefaultFactories(this.log).then((d) => ({ ...d, ...this.opts.factories }));
    return this.factoriesPromise;
  }
}

function sameDevice(spec: DeviceSpec, discovered: string): boolean {
  const d = parseDeviceSpec(discovered);
  if (!d.ok || d.spec.transport !== spec.transport) return false;
  if (spec.transport === 'serial' && d.spec.transport === 'serial') return spec.path === d.spec.path;
  if (spec.transport === 'pcsc' && d.spec.transport === 'pcsc')
    return spec.reader === null || spec.reader === d.spec.reader;
  if (spec.transport === 'hid' && d.spec.transport === 'hid')
    return spec.vendorId === d.spec.vendorId && spec.productId === d.spec.productId;
  return false;
}

/**
 * Adapters to src/drivers/ic and src/drivers/printer. Each module is loaded on its own: if one
 * fails to load, its devices are 'unavailable' with the reason, the others still work.
 */
async function loadDefaultFactories(log: (line: string) => void): Promise<DriverFactories> {
  const unavailable = (
    config: { id: string; kind: DeviceInfo['kind']; spec: string },
    transport: string,
    why: string,
  ) => new BrokenDevice(config, transport, why, 'unavailable');
  let ic: typeof import('./ic') | undefined;
  let icWhy = '';
  try {
    ic = await import('./ic');
  } catch (err) {
    icWhy = `IC driver module failed to load: ${err instanceof Error ? err.message : String(err)}`;
    log(icWhy);
  }
  let printer: typeof import('./printer') | undefined;
  let printerWhy = '';
  try {
    printer = await import('./printer');
  } catch (err) {
    printerWhy = `printer driver module failed to load: ${err instanceof Error ? err.message : String(err)}`;
    log(printerWhy);
  }
  return {
    pcscReader: (config, spec, ctx) =>
      ic
        ? ic.createPcscReader(
            {
              id: config.id,
              readerName: spec.reader ?? '*',
              // The application AID is configuration (src/drivers/ic/README.md), e.g. {"aid": "A000…"}.
              ...(typeof config.options?.['aid'] === 'string' ? { aid: config.options['aid'] } : {}),
            },
            { log: ctx.log, now: ctx.clock },
          )
        : unavailable(config, 'pcsc', icWhy),
    simIcReader: (id) =>
      ic ? ic.createSimIcReader(id) : unavailable({ id, kind: 'ic', spec: 'sim:ic' }, 'sim', icWhy),
    printer: (config, spec, ctx) => {
      if (!printer) return unavailable(config, spec.transport, printerWhy);
      const width = config.options?.['width'];
      const pspec =
        spec.transport === 'tcp'
          ? { transport: 'tcp' as const, host: spec.host, port: spec.port }
          : spec.transport === 'serial'
            ? {
                transport: 'serial' as const,
                path: spec.path,
                ...(spec.baudRate ? { baud: spec.baudRate } : {}),
              }
            : spec.transport === 'usblp'
              ? { transport: 'usblp' as const, path: spec.path }
              : undefined;
      if (!pspec)
        return new BrokenDevice(config, spec.transport, `a printer cannot be reached over ${spec.transport}`);
      return printer.createPrinter(
        { id: config.id, spec: pspec, ...(width === 32 || width === 48 ? { width } : {}) },
        { log: ctx.log, now: ctx.clock },
      );
    },
    simPrinter: (id) =>
      printer
        ? printer.createSimPrinter(id)
        : unavailable({ id, kind: 'printer', spec: 'sim:printer' }, 'sim', printerWhy),
    listPcscReaders: async () => (ic ? ic.listPcscReaders() : { unavailable: icWhy }),
  };
}
