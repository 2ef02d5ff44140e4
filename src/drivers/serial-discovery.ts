/**
 * Which serial ports are plugged in. SerialPort.list() asks udev (`udevadm info -e`) and gives
 * vendor and product; where udevadm is missing (minimal images, containers) or fails, it lists
 * nothing at all, so the technician would see no port. Then we list the device files the kernel
 * and udev's rules leave in /dev: the stable /dev/serial/by-id/* links first, then /dev/ttyUSB*
 * (USB-serial adapters) and /dev/ttyACM* (CDC-ACM devices such as most USB scanners), and say on
 * the screen that the list came from the fallback (a note, not only a log line).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SerialPort } from 'serialport';

export interface DiscoveredSerial {
  spec: string;
  detail: string;
}

/** Why the list may be incomplete; shown to the technician in words (src/renderer/i18n/tech.ts). */
export type DiscoveryNote =
  | { code: 'serial-fallback'; detail: string }
  | { code: 'serial-failed'; detail: string }
  | { code: 'pcsc-unavailable'; detail: string };

export interface SerialDiscoveryOptions {
  /** The /dev directory (tests hand in a fake one). */
  devDir?: string;
  /** The udev-backed lister (default SerialPort.list). */
  list?: () => Promise<Array<{ path: string; manufacturer?: string; vendorId?: string; productId?: string }>>;
}

const TTY = /^tty(USB|ACM)\d+$/;

/** Lists /dev/serial/by-id links and /dev/tty{USB,ACM}* without udev. */
export function listSerialDeviceFiles(devDir = '/dev'): DiscoveredSerial[] {
  const out: DiscoveredSerial[] = [];
  const covered = new Set<string>();
  const byId = path.join(devDir, 'serial', 'by-id');
  let links: string[] = [];
  try {
    links = fs.readdirSync(byId).sort();
  } catch {
    // no udev rules ran either: only the kernel's names remain
  }
  for (const name of links) {
    const link = path.join(byId, name);
    let target = link;
    try {
      target = fs.realpathSync(link);
    } catch {
      continue; // a dangling link: the device is gone
    }
    covered.add(target);
    out.push({ spec: `serial:${link}`, detail: `${name} → ${path.basename(target)}` });
  }
  let names: string[] = [];
  try {
    names = fs.readdirSync(devDir).filter((n) => TTY.test(n));
  } catch {
    names = [];
  }
  const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  for (const n of names.sort(byNumber)) {
    const p = path.join(devDir, n);
    if (covered.has(fs.realpathSync(p))) continue;
    out.push({ spec: `serial:${p}`, detail: n.startsWith('ttyACM') ? 'USB CDC-ACM' : 'USB-serial' });
  }
  return out;
}

/** The serial ports, from udev when it answers, else from the device files, with a note why. */
export async function discoverSerialPorts(
  o: SerialDiscoveryOptions = {},
): Promise<{ ports: DiscoveredSerial[]; note?: DiscoveryNote }> {
  try {
    const listed = await (o.list ?? (() => SerialPort.list()))();
    return {
      ports: listed.map((p) => ({
        spec: `serial:${p.path}`,
        detail:
          [p.manufacturer, p.vendorId && p.productId ? `usb ${p.vendorId}:${p.productId}` : undefined]
            .filter(Boolean)
            .join(', ') || 'serial port',
      })),
    };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    try {
      return { ports: listSerialDeviceFiles(o.devDir), note: { code: 'serial-fallback', detail: why } };
    } catch (err2) {
      const why2 = err2 instanceof Error ? err2.message : String(err2);
      return { ports: [], note: { code: 'serial-failed', detail: `${why}; ${why2}` } };
    }
  }
}
