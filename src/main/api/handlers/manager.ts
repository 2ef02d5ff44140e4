/** The manager's methods (src/shared/contract/manager.ts) on the shift, audit and void/refund pieces. */
import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { managerMethods } from '../../../shared/contract/manager';
import { TillError } from '../../../shared/errors';
import { layoutShiftReport } from '../../shift/report-layout';
import { reportCsv, auditCsv, reportPdf, auditPdf } from '../../shift/export';
import { totalsSince, localMidnightIso } from '../../shift/totals';
import type { ShiftReport } from '../../../shared/contract/manager';

export function managerHandlers(ctx: AppContext): Pick<Handlers, keyof typeof managerMethods> {
  const me = () => {
    const op = ctx.session.current();
    if (!op) throw new TillError('NOT_SIGNED_IN');
    return op;
  };
  const shifts = ctx.shifts;
  const width = ctx.config.receipt.width;
  const reportOf = (kind: 'X' | 'Z', shiftId?: number): ShiftReport => {
    if (kind === 'X') return shifts.xReport();
    const id = shiftId ?? shifts.store.lastClosed()?.id;
    if (!id) throw new TillError('NOT_FOUND', 'no closed shift');
    return shifts.zReport(id);
  };
  const tz = ctx.config.timeZone;
  const zDoc = (shiftId: number, copy: boolean) => {
    const report = shifts.zReport(shiftId);
    const ack = shifts.store.ack(shiftId) ?? null;
    return {
      report,
      doc: layoutShiftReport(report, { width, copy, ack, timeZone: tz }),
      copy,
      ack: ack && { by: ack.acked_by, at: ack.acked_at, note: ack.note },
    };
  };
  const file = (name: string, mime: string, data: Buffer | string) => ({
    filename: name,
    mime,
    base64: Buffer.from(data).toString('base64'),
  });

  return {
    'txn.void': (req) => ctx.voidRefund.void(req, me()),
    'txn.refund': (req) => ctx.voidRefund.refund(req, me()),
    'shift.current': () => {
      const s = shifts.current();
      return s ? shifts.summary(s, me().role === 'manager') : null;
    },
    'shift.open': ({ openingFloatFen }) => shifts.open(me(), openingFloatFen),
    'shift.count': ({ countedFen, denominations }) => shifts.count(me(), countedFen, denominations),
    'shift.countInfo': () => shifts.countInfo(me().role === 'manager'),
    'shift.close': async ({ countedFen, force, journalAck }) => {
      const forcedBy = force
        ? ctx.overrides.check('force_close', force, { note: 'close with unsent offline advices' }).id
        : undefined;
      const journalAckBy = journalAck
        ? ctx.overrides.check('journal_ack', journalAck, { note: 'close with a failed journal check' }).id
        : undefined;
      const report = await shifts.close(me(), { countedFen, forcedBy, journalAckBy });
      return {
        report,
        doc: layoutShiftReport(report, { width, copy: false, ack: null, timeZone: tz }),
        copy: false,
      };
    },
    'shift.acknowledge': ({ shiftId, note }) => {
      shifts.acknowledge(me(), shiftId, note);
      return {};
    },
    'shift.list': ({ limit }) => shifts.list(limit),
    'shift.settle': ({ shiftId, issuerId }) => shifts.settle(shiftId, issuerId),
    'report.x': () => {
      const report = shifts.xReport();
      ctx.audit.record({ action: 'report.x', shiftId: report.shiftId || undefined });
      return { report, doc: layoutShiftReport(report, { width, timeZone: tz }), copy: false };
    },
    'report.z': ({ shiftId }) => zDoc(shiftId, shifts.store.zPrints(shiftId) > 0),
    'report.print': async ({ kind, shiftId, override }) => {
      const printer = ctx.devices.printer();
      if (!printer) throw new TillError('DEVICE_UNAVAILABLE', 'no printer configured');
      const by = me();
      if (kind === 'X') {
        const report = shifts.xReport();
        const out = await printer.print(
          layoutShiftReport(report, { width, timeZone: tz }),
          `x-${report.shiftId}-${Date.now()}`,
        );
        ctx.audit.record({ action: 'report.x.print', shiftId: report.shiftId || undefined });
        return out.ok
          ? { printed: true, held: false, copy: false }
          : { printed: false, held: true, copy: false, reason: out.reason };
      }
      const id = shiftId ?? shifts.store.lastClosed()?.id;
      if (!id) throw new TillError('NOT_FOUND', 'no closed shift');
      shifts.zReport(id); // NOT_FOUND unless closed
      const copy = shifts.store.zPrints(id) > 0;
      // The original Z prints once; every reprint is a COPY and needs a manager's override.
      const approvedBy = copy
        ? ctx.overrides.check('z_reprint', override, { note: `Z report of shift ${id}` }).id
        : undefined;
      const { doc } = zDoc(id, copy);
      shifts.store.addZPrint(id, copy, by.id, approvedBy, ctx.clock().toISOString());
      ctx.audit.record({ action: copy ? 'report.z.reprint' : 'report.z.print', shiftId: id, approvedBy });
      const out = await printer.print(doc, `z-${id}-${copy ? 'copy' : 'orig'}-${Date.now()}`);
      return out.ok
        ? { printed: true, held: false, copy }
        : { printed: false, held: true, copy, reason: out.reason };
    },
    'report.export': async ({ kind, shiftId, format }) => {
      const report = reportOf(kind, shiftId);
      const base = `${report.terminalId}-${kind}-${report.shiftId || 'now'}`;
      ctx.audit.record({
        action: `report.export.${format}`,
        shiftId: report.shiftId || undefined,
        detail: kind,
      });
      if (format === 'csv') return file(`${base}.csv`, 'text/csv;charset=utf-8', reportCsv(report, tz));
      const doc = layoutShiftReport(report, {
        width: 48,
        copy: kind === 'Z' && shifts.store.zPrints(report.shiftId) > 0,
        ack: kind === 'Z' ? (shifts.store.ack(report.shiftId) ?? null) : null,
        timeZone: tz,
      });
      const pdf = await reportPdf(`CardTill ${kind} ${report.terminalId} #${report.shiftId}`, doc);
      return file(`${base}.pdf`, 'application/pdf', pdf);
    },
    'audit.list': ({ limit, beforeId }) => ctx.audit.list({ limit, beforeId }),
    'audit.export': async ({ format }) => {
      const entries = ctx.audit.range();
      ctx.audit.record({ action: `audit.export.${format}`, detail: `${entries.length} entries` });
      if (format === 'csv')
        return file(`${ctx.config.terminalId}-audit.csv`, 'text/csv;charset=utf-8', auditCsv(entries, tz));
      return file(
        `${ctx.config.terminalId}-audit.pdf`,
        'application/pdf',
        await auditPdf(`CardTill 审计日志 Audit log ${ctx.config.terminalId}`, entries, tz),
      );
    },
    'operators.list': () => ctx.operators.listAll(),
    'operators.add': (op) => {
      const d = ctx.operators.create(op);
      ctx.audit.record({ action: 'operator.add', detail: `${op.id} ${op.role}` });
      return d;
    },
    'operators.setDisabled': ({ id, disabled }) => {
      if (disabled && id === me().id) throw new TillError('INVALID_STATE', 'you cannot disable yourself');
      const d = ctx.operators.setDisabled(id, disabled);
      ctx.audit.record({ action: disabled ? 'operator.disable' : 'operator.enable', detail: id });
      return d;
    },
    'operators.resetPin': ({ id, pin }) => {
      const d = ctx.operators.resetPin(id, pin);
      ctx.audit.record({ action: 'operator.reset-pin', detail: id });
      return d;
    },
    'manager.dashboard': () => {
      const s = shifts.current();
      const x = shifts.xReport();
      const offline = (ctx.config as { offline?: Record<string, unknown> }).offline;
      return {
        shift: s ? shifts.summary(s, true) : null,
        totals: totalsSince(ctx.db, localMidnightIso(ctx.clock(), tz), tz),
        queue: x.queue,
        exceptions: {
          declined: x.exceptions.declined,
          pending: x.exceptions.pending,
          unsettledBatches: shifts.store.unsettledBatches(),
          unacknowledged: shifts.store.unacknowledged().length,
        },
        limits: offline
          ? Object.entries(offline).map(([key, value]) => ({
              key,
              value: typeof value === 'object' ? JSON.stringify(value) : String(value),
            }))
          : [],
      };
    },
  };
}
