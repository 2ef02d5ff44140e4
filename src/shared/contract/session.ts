import { z } from 'zod';
import { Empty, Role, method, ALL_ROLES } from './common';

export const Operator = z.object({ id: z.string(), name: z.string(), role: Role });
export type Operator = z.infer<typeof Operator>;

export const LinkState = z.enum(['online', 'offline', 'cut']);
export type LinkState = z.infer<typeof LinkState>;

export const SessionInfo = z.object({
  terminalId: z.string(),
  merchantId: z.string(),
  merchantName: z.string(),
  /** The store's IANA time zone (config `timeZone`, default Asia/Shanghai): times are shown in it. */
  timeZone: z.string(),
  demo: z.boolean(),
  version: z.string(),
  operator: Operator.nullable(),
  link: LinkState,
  /** Seconds of inactivity before automatic sign-out. */
  idleSignOutSeconds: z.number().int(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const sessionMethods = {
  'session.info': method({ req: Empty, res: SessionInfo, roles: ['public'] }),
  'auth.operators': method({ req: Empty, res: z.array(Operator), roles: ['public'] }),
  'auth.signIn': method({
    req: z.object({ operatorId: z.string().min(1).max(32), pin: z.string().regex(/^\d{4,8}$/) }).strict(),
    res: Operator,
    roles: ['public'],
  }),
  /** `reason: 'idle'`: the screen's idle countdown ran out (audited as an idle sign-out). */
  'auth.signOut': method({
    req: z.object({ reason: z.enum(['manual', 'idle']).optional() }).strict(),
    res: Empty,
    roles: ALL_ROLES,
  }),
  /** Demo: cut or restore the issuer link so store-and-forward can be seen. */
  'link.set': method({
    req: z.object({ cut: z.boolean() }).strict(),
    res: z.object({ link: LinkState }),
    roles: ALL_ROLES,
    demoOnly: true,
  }),
};
