/**
 * Event fan-out and DeviceInfo bookkeeping shared by the IC drivers (real and simulated).
 * A throwing listener is isolated: it never breaks the driver or the other listeners.
 */
import type { DeviceErrorCode, DeviceEvent, DeviceInfo, DeviceState } from '../../shared/devices';
import type { CardPresented } from '../../shared/devices';
import type { DeviceListener } from '../types';

export class DeviceHub {
  private listeners = new Set<DeviceListener>();
  state: DeviceState;
  detail?: string;
  lastEvent?: string;
  lastEventAt?: number;

  constructor(
    readonly base: Omit<DeviceInfo, 'state' | 'detail' | 'lastEvent' | 'lastEventAt'>,
    initial: DeviceState,
    private readonly now: () => number = Date.now,
  ) {
    this.state = initial;
  }

  info(): DeviceInfo {
    const i: DeviceInfo = { ...this.base, state: this.state };
    if (this.detail !== undefined) i.detail = this.detail;
    if (this.lastEvent !== undefined) i.lastEvent = this.lastEvent;
    if (this.lastEventAt !== undefined) i.lastEventAt = this.lastEventAt;
    return i;
  }

  on(l: DeviceListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Emits a state event only when state or detail changed. */
  setState(state: DeviceState, detail?: string): void {
    if (state === this.state && detail === this.detail) return;
    this.state = state;
    this.detail = detail;
    const e: DeviceEvent = { type: 'state', deviceId: this.base.id, at: this.now(), state };
    if (detail !== undefined) e.detail = detail;
    this.emit(e);
  }

  error(code: DeviceErrorCode, detail?: string): void {
    const e: DeviceEvent = { type: 'error', deviceId: this.base.id, at: this.now(), code };
    if (detail !== undefined) e.detail = detail;
    this.emit(e);
  }

  card(card: CardPresented): void {
    this.emit({ type: 'card', deviceId: this.base.id, at: this.now(), card });
  }

  private emit(e: DeviceEvent): void {
    this.lastEvent =
      e.type === 'state' ? `state:${e.state}` : e.type === 'error' ? `error:${e.code}` : 'card';
    this.lastEventAt = e.at;
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // a listener's bug is not the device's problem
      }
    }
  }
}
