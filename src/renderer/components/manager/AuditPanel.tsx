/** The audit log, newest first, in words and yuan (src/shared/audit-words.ts), with CSV/PDF export. */
import { useEffect, useState } from 'react';
import { call } from '../../actions';
import { BridgeError } from '../../bridge';
import { useT } from '../useLang';
import { download } from './download';
import type { Res } from '../../../shared/contract';
import { auditActionWords, auditDetailWords } from '../../../shared/audit-words';
import { useFormat, useOperatorName } from '../../format';

export function AuditPanel() {
  const { t, err, lang } = useT();
  const f = useFormat();
  // Names where people read (issue 11 #24), the id beside them for the record.
  const opName = useOperatorName();
  const [rows, setRows] = useState<Res<'audit.list'>>([]);
  const [note, setNote] = useState('');
  useEffect(() => void call('audit.list', { limit: 200 }).then(setRows), []);
  const exp = async (format: 'csv' | 'pdf') => {
    try {
      download(await call('audit.export', { format }));
    } catch (e) {
      setNote(e instanceof BridgeError ? err(e.error.code) : String(e));
    }
  };
  return (
    <section className="panel" data-testid="mgr-audit">
      <div className="row">
        <button className="btn" onClick={() => void exp('csv')} data-testid="audit-csv">
          {t('exportCsv')}
        </button>
        <button className="btn" onClick={() => void exp('pdf')} data-testid="audit-pdf">
          {t('exportPdf')}
        </button>
        {note && <span className="error">{note}</span>}
      </div>
      <table className="grid small">
        <thead>
          <tr>
            <th>{t('colTime')}</th>
            <th>{t('colWho')}</th>
            <th>{t('colWhat')}</th>
            <th>{t('colOutcome')}</th>
            <th>{t('colStan')}</th>
            <th>{t('colApprover')}</th>
            <th>{t('colDetail')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id} className={`audit-${a.outcome}`} data-action={a.action}>
              <td>{f.dateTime(a.at)}</td>
              <td>{a.operatorId ? opName(a.operatorId) : '—'}</td>
              <td title={a.action}>{auditActionWords(a.action, lang)}</td>
              <td>{t(`auditOutcome_${a.outcome}`)}</td>
              <td className="mono">{a.stan ?? ''}</td>
              <td>{opName(a.approvedBy)}</td>
              <td>{auditDetailWords(a.detail, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
