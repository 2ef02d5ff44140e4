/**
 * The single entry point of the contract on the core side. Both transports hand every call here:
 * the method name is checked, the params are validated against the contract's schema, the caller's
 * role is checked, and only then does a handler run. Any failure becomes a typed WireResponse —
 * a malformed call never throws past this function.
 */
import {
  methods,
  isMethodName,
  type MethodName,
  type Req,
  type Res,
  type WireResponse,
} from '../../shared/contract';
import { TillError, ERROR_WORDS } from '../../shared/errors';
import type { TillSession } from './session';

export type Handler<M extends MethodName> = (req: Req<M>) => Promise<Res<M>> | Res<M>;
export type Handlers = { [M in MethodName]: Handler<M> };

export interface DispatchOptions {
  handlers: Handlers;
  session: TillSession;
  demo: boolean;
  log: (line: string) => void;
}

export function createDispatcher(o: DispatchOptions) {
  return async function dispatch(id: number, method: string, params: unknown): Promise<WireResponse> {
    try {
      if (!isMethodName(method)) throw new TillError('UNKNOWN_METHOD', method);
      const spec = methods[method];
      if (spec.demoOnly && !o.demo) throw new TillError('FORBIDDEN', 'demo only');
      if (!spec.roles.includes('public')) {
        const op = o.session.current();
        if (!op) throw new TillError('NOT_SIGNED_IN');
        if (!(spec.roles as readonly string[]).includes(op.role))
          throw new TillError('FORBIDDEN', `${method} is not for ${op.role}`);
        if (!spec.passive) o.session.touch();
      }
      const parsed = spec.req.safeParse(params ?? {});
      if (!parsed.success) {
        throw new TillError(
          'BAD_REQUEST',
          parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; '),
        );
      }
      const handler = o.handlers[method] as (req: unknown) => Promise<unknown> | unknown;
      const result = await handler(parsed.data);
      return { id, ok: true, result };
    } catch (e) {
      if (e instanceof TillError) return { id, ok: false, error: e.toApi() };
      o.log(`internal error in ${method}: ${(e as Error).stack ?? e}`);
      return { id, ok: false, error: { code: 'INTERNAL', message: ERROR_WORDS.INTERNAL.en } };
    }
  };
}
export type Dispatch = ReturnType<typeof createDispatcher>;
