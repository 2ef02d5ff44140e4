/**
 * The subset of the driver registry (src/drivers/registry.ts) the core uses. Declared here so the
 * core depends on a narrow interface, and tests can hand in a stand-in for one piece.
 */
import type { DeviceEvent, DeviceInfo } from '../../shared/devices';
import type { PrinterDriver, SimInput } from '../../drivers/types';

export interface DeviceHub {
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): DeviceInfo[];
  onEvent(listener: (e: DeviceEvent) => void): () => void;
  simulate(deviceId: string, input: SimInput): void;
  printer(id?: string): PrinterDriver | undefined;
}
