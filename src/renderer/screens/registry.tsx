/**
 * The screens each role can open, in tab order (the first one a role has is its home screen).
 * An area adds its screen with one entry here.
 */
import type { ComponentType } from 'react';
import type { Role } from '../../shared/contract';
import type { WordKey } from '../i18n';
import { Cashier } from './Cashier';
import { Manager } from './Manager';
import { Devices } from './Devices';
import { Tech } from './Tech';
import { DisputeDesk } from './DisputeDesk';
import { OfflineQueue } from './OfflineQueue';

export interface ScreenEntry {
  id: string;
  label: WordKey;
  roles: Role[];
  component: ComponentType;
}

export const SCREENS: ScreenEntry[] = [
  { id: 'manager', label: 'manager', roles: ['manager'], component: Manager },
  { id: 'checkout', label: 'checkout', roles: ['cashier', 'manager'], component: Cashier },
  { id: 'tech', label: 'tech', roles: ['technician'], component: Tech },
  { id: 'devices', label: 'devices', roles: ['manager', 'technician'], component: Devices },
  { id: 'dispute', label: 'dispute', roles: ['manager'], component: DisputeDesk },
  { id: 'offline-queue', label: 'offlineQueue', roles: ['manager'], component: OfflineQueue },
];

export function screensFor(role: Role | undefined): ScreenEntry[] {
  return role ? SCREENS.filter((s) => s.roles.includes(role)) : [];
}
