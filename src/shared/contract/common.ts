/** Building blocks shared by every area of the contract. */
import { z } from 'zod';
import { MAX_FEN } from '../money';

export const Fen = z.number().int().min(0).max(MAX_FEN);
export const Role = z.enum(['cashier', 'manager', 'technician']);
export type Role = z.infer<typeof Role>;
export const Empty = z.object({}).strict();

/** A method of the contract: its request and response schemas and who may call it. */
export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  req: Req;
  res: Res;
  /** Roles that may call it; 'public' needs only the transport token, no sign-in. */
  roles: ReadonlyArray<Role | 'public'>;
  /** Only in demo mode (device simulator, link switch). */
  demoOnly?: boolean;
  /**
   * A read the screens repeat on a timer (the no-shift banner, the manager's dashboard and queue):
   * it is not the operator doing anything, so it does not hold off the idle sign-out. Before, a
   * polled read every 3–15 s kept a till that nobody touched signed in forever.
   */
  passive?: boolean;
}

export function method<Req extends z.ZodType, Res extends z.ZodType>(
  spec: MethodSpec<Req, Res>,
): MethodSpec<Req, Res> {
  return spec;
}

export const ALL_ROLES = ['cashier', 'manager', 'technician'] as const;
export const SELLERS = ['cashier', 'manager'] as const;

/** A manager's PIN typed on the cashier's screen to allow one privileged action. */
export const Override = z
  .object({ operatorId: z.string().min(1).max(32), pin: z.string().regex(/^\d{4,8}$/) })
  .strict();
export type Override = z.infer<typeof Override>;
