import { z } from 'zod';
import { DeviceInfo } from '../devices';
import { method, Empty, ALL_ROLES } from './common';

const SimInputSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('swipe'),
    pan: z.string().regex(/^\d{12,19}$/),
    expiry: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
    name: z.string().max(26).optional(),
    garbled: z.boolean().optional(),
  }),
  z.object({
    action: z.literal('tap'),
    pan: z.string().regex(/^\d{12,19}$/),
    expiry: z
      .string()
      .regex(/^\d{4}$/)
      .optional(),
    balanceFen: z.number().int().min(0).optional(),
    removeEarly: z.boolean().optional(),
    /** A PBOC e-purse card; `tearAt`: it leaves the field right after executing that command. */
    epurse: z.boolean().optional(),
    tearAt: z.enum(['debit', 'credit']).optional(),
  }),
  /** The card is taken away from the reader. */
  z.object({ action: z.literal('remove') }),
  z.object({ action: z.literal('scan'), payload: z.string().min(1).max(2048) }),
]);

export const deviceMethods = {
  'devices.list': method({ req: Empty, res: z.array(DeviceInfo), roles: ALL_ROLES }),
  /** Demo: the device-simulator panel swipes, taps or scans through the simulated drivers. */
  'devices.simulate': method({
    req: z.object({ deviceId: z.string(), input: SimInputSchema }).strict(),
    res: Empty,
    roles: ALL_ROLES,
    demoOnly: true,
  }),
};
