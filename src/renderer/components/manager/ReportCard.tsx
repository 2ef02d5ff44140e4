/**
 * One report as the manager sees it: the variance (for a Z), the reconciliation with its
 * discrepancy table, the printable document itself, and print / reprint / export.
 */
import { useState } from 'react';
import { call } from '../../actions';
import { BridgeError } from '../../bridge';
import { useT } from '../useLang';
import { issuerOtherLines } from './issuer-lines';
import { ReceiptView } from '../ReceiptPreview';
import { OverrideDialog } from '../OverrideDialog';
import { download } from './download';
import type { Res, Override } from '../../../shared/contract';
import { errorWords, type WordKey } from '../../i18n';
import { settlementTypeTitle } from '../../../shared/txn-kinds';
import { settlementTypeWordKey } from './settlement-type';
import { denominationLabel } from '../../../shared/denominations';

type ReportDoc = Res<'report.x'>;

/**
 * The variance of a count and, for a Z, its acknowledgement. Whether it is acknowledged comes from
 * the core (`ack` of the report), so a reopened Z never offers 确认差异 again.
 */
export function VarianceCard({
  report,
  ack,
  onAcked,
}: {
  report: ReportDoc['report'];
  ack?: ReportDoc['ack'];
  onAcked: () => void;
}) {
  const { t, money, err } = useT();
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [ackedNow, setAckedNow] = useState(false);
  const acked = ackedNow || !!ack;
  const v = report.variance;
  if (!v) return null;
  const sign = v.varianceFen > 0 ? '+' : v.varianceFen < 0 ? '-' : '';
  return (
    <div className={`variance variance-${v.status}`} data-testid="variance-card" data-status={v.status}>
      <div className="row">
        <span>
          {t('expected')} <strong className="mono">{money(v.expectedFen)}</strong>
        </span>
        <span>
          {t('counted')} <strong className="mono">{money(v.countedFen)}</strong>
        </span>
      </div>
      {v.denominations && v.denominations.length > 0 && (
        <ul className="count-breakdown small" data-testid="count-breakdown">
          {v.denominations.map((d) => (
            <li key={d.valueFen} className="mono">
              {denominationLabel(d.valueFen)} × {d.count} = {money(d.valueFen * d.count)}
            </li>
          ))}
        </ul>
      )}
      <div className="variance-amount" data-testid="variance-amount">
        {t(`var_${v.status}` as WordKey)} {sign}
        {money(Math.abs(v.varianceFen))}
      </div>
      {report.kind === 'Z' && v.needsAck && !acked && (
        <div className="row">
          {v.needsNote && (
            <input
              placeholder={t('ackNote')}
              value={note}
              onChange={(e) => {
                setNote(e.target.value);
                setError('');
              }}
              data-testid="ack-note"
            />
          )}
          <button
            className="btn primary"
            data-testid="ack-btn"
            onClick={() => {
              setError('');
              if (v.needsNote && note.trim().length < 3) return setError(t('ackNoteNeeded'));
              void call('shift.acknowledge', { shiftId: report.shiftId, ...(note ? { note } : {}) })
                .then(() => {
                  setAckedNow(true);
                  onAcked();
                })
                .catch((e: unknown) => setError(e instanceof BridgeError ? err(e.error.code) : String(e)));
            }}
          >
            {t('acknowledge')}
          </button>
        </div>
      )}
      {report.kind === 'Z' && v.needsAck && acked && (
        <div data-testid="acked">
          {ack ? t('ackedBy', { by: ack.by, at: new Date(ack.at).toLocaleString() }) : t('acknowledged')}
          {ack?.note ? ` — ${ack.note}` : ''}
        </div>
      )}
      {error && (
        <p className="error" data-testid="ack-error">
          {error}
        </p>
      )}
    </div>
  );
}

type Settlement = NonNullable<ReportDoc['report']['settlement']>;
type IssuerPart = NonNullable<ReportDoc['report']['issuers']>[number];

/**
 * The Z's settlement: with one issuer its batch; with several, each issuer's batch apart — its
 * own totals and its own settlement result (a retry sends every batch of the shift again).
 */
export function SettlementView({ report, onRetry }: { report: ReportDoc['report']; onRetry?: () => void }) {
  if (report.issuers) {
    return (
      <div className="issuer-settlements" data-testid="issuer-settlements">
        {report.issuers.map((p) => (
          <IssuerSettlement key={p.issuerId} part={p} {...(onRetry ? { onRetry } : {})} />
        ))}
      </div>
    );
  }
  const s = report.settlement;
  if (!s) return null;
  return <SettlementBody s={s} testId="settlement" {...(onRetry ? { onRetry } : {})} />;
}

function IssuerSettlement({ part: p, onRetry }: { part: IssuerPart; onRetry?: () => void }) {
  const { t, money } = useT();
  return (
    <section className="issuer-settlement" data-testid={`issuer-batch-${p.issuerId}`}>
      <h4>
        {t('issuerBatchOf', { name: p.name })} <span className="mono muted">{p.issuerId}</span>
        {p.batchNo !== null && (
          <span className="mono" data-testid={`issuer-batch-no-${p.issuerId}`}>
            {' '}
            {t('batchNo')} {p.batchNo}
          </span>
        )}
      </h4>
      <p className="small" data-testid={`issuer-batch-totals-${p.issuerId}`}>
        {t('issuerSales', { n: String(p.totals.sales.count) })} {money(p.totals.sales.amountFen)} ·{' '}
        {issuerOtherLines(p.totals).map((l) => (
          <span key={l.word}>
            {t(l.word)} ×{l.count} {money(l.amountFen)} ·{' '}
          </span>
        ))}
        {t('issuerNet')} {money(p.totals.netCardFen)}
      </p>
      {p.settlement ? (
        <SettlementBody
          s={p.settlement}
          testId={`settlement-${p.issuerId}`}
          {...(onRetry ? { onRetry } : {})}
        />
      ) : (
        <p className="muted small">{t('issuerNoBatch')}</p>
      )}
    </section>
  );
}

function SettlementBody({ s, testId, onRetry }: { s: Settlement; testId: string; onRetry?: () => void }) {
  const { t, money, lang } = useT();
  return (
    <section className="settlement" data-testid={testId} data-status={s.status}>
      <h4>
        {t('settlement')}: <span className={`pill set-${s.status}`}>{t(`set_${s.status}` as WordKey)}</span>
        {s.issuerCode && <span data-testid="settlement-issuer-code"> {errorWords(lang, s.issuerCode)}</span>}
        {s.status !== 'settled' && onRetry && (
          <button className="btn small" onClick={onRetry} data-testid="settle-retry">
            {t('retrySettle')}
          </button>
        )}
      </h4>
      {s.carriedOut.length > 0 && (
        <p className="small" data-testid="carried-out">
          {t('carriedOutTitle')}:{' '}
          {s.carriedOut
            .map(
              (stan) =>
                `${String(stan).padStart(6, '0')} (${(s.carriedOutUnsent ?? s.carriedOut).includes(stan) ? t('carriedOutUnsent') : t('carriedOutSent')})`,
            )
            .join(', ')}
        </p>
      )}
      {s.discrepancies.length > 0 && (
        <table className="grid" data-testid="discrepancies">
          <thead>
            <tr>
              <th>{t('colStan')}</th>
              <th>{t('discrepancies')}</th>
              <th>{t('colType')}</th>
              <th>{t('colTerminal')}</th>
              <th>{t('colIssuer')}</th>
              <th>{t('colAction')}</th>
            </tr>
          </thead>
          <tbody>
            {s.discrepancies.map((d) => (
              <tr key={`${d.kind}-${d.stan}`} data-kind={d.kind}>
                <td className="mono">{String(d.stan).padStart(6, '0')}</td>
                <td>{t(`kind_${d.kind}` as WordKey)}</td>
                <td>
                  {((k) => (k ? t(k) : (settlementTypeTitle(d.type) ?? d.type)))(
                    settlementTypeWordKey(d.type),
                  )}
                </td>
                <td className="mono">{d.terminalFen === null ? '—' : money(d.terminalFen)}</td>
                <td className="mono">{d.issuerFen === null ? '—' : money(d.issuerFen)}</td>
                <td className="small">{d.action[lang]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ReportCard({ data, onChange }: { data: ReportDoc; onChange?: () => void }) {
  const { t, err } = useT();
  const [note, setNote] = useState('');
  const [overriding, setOverriding] = useState(false);
  const [overrideError, setOverrideError] = useState<string | null>(null);
  const r = data.report;
  const print = async (override?: Override) => {
    try {
      const out = await call('report.print', {
        kind: r.kind,
        ...(r.kind === 'Z' ? { shiftId: r.shiftId } : {}),
        ...(override ? { override } : {}),
      });
      setOverriding(false);
      setOverrideError(null);
      setNote(
        out.printed ? (out.copy ? t('printedCopy') : t('printed')) : err(out.reason ?? 'PRINTER_OFFLINE'),
      );
      onChange?.();
    } catch (e) {
      const code = e instanceof BridgeError ? e.error.code : 'INTERNAL';
      if (code === 'OVERRIDE_REQUIRED') setOverriding(true);
      else if (overriding) setOverrideError(err(code));
      else setNote(err(code));
    }
  };
  const exp = async (format: 'csv' | 'pdf') => {
    try {
      download(
        await call('report.export', {
          kind: r.kind,
          ...(r.kind === 'Z' ? { shiftId: r.shiftId } : {}),
          format,
        }),
      );
    } catch (e) {
      setNote(e instanceof BridgeError ? err(e.error.code) : String(e));
    }
  };
  return (
    <div className="report-card" data-testid={`report-${r.kind}`}>
      {r.journal && (
        <p className={r.journal.ok ? 'ok-note' : 'error'} data-testid="journal-check">
          {r.journal.ok ? t('journalOk') : `${t('journalFailed')} ${r.journal.problem ?? ''}`}
        </p>
      )}
      <div className="row">
        <button className="btn" onClick={() => void print()} data-testid="report-print">
          {r.kind === 'Z' && data.copy ? t('reprintCopy') : t('printReport')}
        </button>
        <button className="btn" onClick={() => void exp('csv')} data-testid="report-csv">
          {t('exportCsv')}
        </button>
        <button className="btn" onClick={() => void exp('pdf')} data-testid="report-pdf">
          {t('exportPdf')}
        </button>
        {note && (
          <span className="muted" data-testid="report-note">
            {note}
          </span>
        )}
      </div>
      <ReceiptView doc={data.doc} />
      {overriding && (
        <OverrideDialog
          action="z_reprint"
          error={overrideError}
          onConfirm={(o) => void print(o)}
          onCancel={() => setOverriding(false)}
        />
      )}
    </div>
  );
}
