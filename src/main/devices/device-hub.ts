/**
 * The subset of the driver registry (src/drivers/registry.ts) the core uses. Declared here so the
 * core depends on a narrow interface, and tests can hand in a stand-in for one piece.
 */
import type { DeviceEvent, DeviceInfo } from '../../shared/devices';
import type { DeviceDriver, PrinterDriver, SimInput } from '../../drivers/types';
import type {
  DeviceConfig,
  DiscoveredDevice,
  DiscoveryReport,
  SimulateOutcome,
} from '../../drivers/registry';

export interface DeviceHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): DeviceInfo[];
  onEvent(listener: (e: DeviceEvent) => void): () => void;
  /** Says why nothing happened (no such device, not simulated) instead of doing nothing. */
  simulate(deviceId: string, input: SimInput): SimulateOutcome;
  printer(id?: string): PrinterDriver | undefined;
  get(id: string): DeviceDriver | undefined;
  /** Device configurations in use (technician's settings, diagnostics bundle). */
  configs(): DeviceConfig[];
  /** Restarts one device's driver with a new configuration (technician's settings). */
  reconfigure(config: DeviceConfig): Promise<DeviceInfo | undefined>;
  /** What is plugged in now (serial ports, PC/SC readers, HID POS scanners). */
  discover(): Promise<DiscoveredDevice[]>;
  /** The same, with notes on what could not be asked (no udevadm, no pcscd) for the screen. */
  discoverReport(): Promise<DiscoveryReport>;
}
