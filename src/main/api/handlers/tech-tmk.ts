/**
 * `tech.enterTmk` and the TMK column of `tech.issuers`: the technician's screen's way to enter an
 * iso8583-cup entry's terminal master key — enterTmk (the CLI's path, with its audit record: who,
 * which issuer, the check value, never the key), then a fresh sign-on of the entry's hosts with it.
 */
import type { AppContext } from '../context';
import type { Req, Res } from '../../../shared/contract';
import type { IssuerInfo } from '../../../shared/contract/tech';
import { TillError } from '../../../shared/errors';
import { enterTmk, storedTmk } from '../../issuer/iso8583/enter-tmk';
import { FailoverPort } from '../../issuer/failover';
import type { IssuerEntryConfig } from '../../config/config';

const isoConfig = (ctx: AppContext, issuerId: string): IssuerEntryConfig | undefined =>
  ctx.config.issuers?.find((e) => e.id === issuerId && e.protocol === 'iso8583-cup');

/** The TMK column: for iso8583-cup entries only (the others have no TMK). */
export function withTmkStatus(ctx: AppContext, issuers: IssuerInfo[]): IssuerInfo[] {
  return issuers.map((i) => {
    const c = isoConfig(ctx, i.issuerId);
    if (!c) return i;
    const s = storedTmk(ctx.dataDir, i.issuerId);
    const expected = c.iso8583?.tmkCheck?.toUpperCase();
    return {
      ...i,
      tmk: {
        stored: !!s,
        ...(s ? { check: s.check, enteredAt: s.enteredAt } : {}),
        ...(expected ? { expectedCheck: expected } : {}),
      },
    };
  });
}

export async function enterTmkFromScreen(
  ctx: AppContext,
  req: Req<'tech.enterTmk'>,
): Promise<Res<'tech.enterTmk'>> {
  const { issuerId } = req;
  const entry = isoConfig(ctx, issuerId);
  if (!entry) throw new TillError('BAD_REQUEST', `issuer ${issuerId} is not an iso8583-cup entry`);
  if (storedTmk(ctx.dataDir, issuerId) && !req.replace)
    throw new TillError('INVALID_STATE', `issuer ${issuerId} has a TMK stored: confirm to replace it`);
  const r = enterTmk({
    dataDir: ctx.dataDir,
    dataKey: ctx.keys.dataKey,
    issuerId,
    entry,
    tmkHex: req.tmkHex,
    now: ctx.clock(),
    audit: ctx.audit,
  });
  ctx.log(
    `tech: terminal master key ${r.replaced ? 'replaced' : 'entered'} for issuer ${issuerId} (check ${r.check}); signing on`,
  );
  // Working keys from the old TMK (or none) are no use now: every host of the entry signs on
  // afresh before its next request, and the one in use right now.
  const port = ctx.router.byId(issuerId).port;
  if (port instanceof FailoverPort)
    for (const role of ['primary', 'backup'] as const) port.portOf(role)?.renewSession?.();
  else port.renewSession?.();
  let signOn: Res<'tech.enterTmk'>['signOn'];
  try {
    await port.signOn({ keys: ctx.keys, enrolToken: '' });
    signOn = { ok: true };
  } catch (e) {
    signOn = { ok: false, detail: e instanceof TillError ? (e.detail ?? e.code) : String(e) };
  }
  ctx.log(`tech: issuer ${issuerId} sign-on with the new TMK: ${signOn.ok ? 'ok' : signOn.detail}`);
  return { issuerId, check: r.check, replaced: r.replaced, signOn };
}
