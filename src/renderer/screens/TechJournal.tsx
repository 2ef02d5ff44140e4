/**
 * The technician's journal panel: the journal head against the head file and the issuer's
 * acknowledged head, and — when the till stopped selling because its data looks rolled back —
 * what happened and the acknowledgement that lets it sell again (`journal.acknowledgeBlock`).
 */
import { useEffect, useState } from 'react';
import { useT } from '../components/useLang';
import { call } from '../actions';
import type { Res } from '../../shared/contract';
import type { WordKey } from '../i18n';

type Status = Res<'journal.status'>;

export function TechJournal() {
  const { t, err } = useT();
  const [st, setSt] = useState<Status | null>(null);
  const [note, setNote] = useState('');
  const [out, setOut] = useState('');
  const refresh = () => void call('journal.status', {}).then(setSt, () => {});
  useEffect(refresh, []);
  if (!st) return null;
  const none = t('journalNone');
  return (
    <section data-testid="tech-journal" data-blocked={st.blocked ? 'yes' : 'no'}>
      <h3>{t('journalPanel')}</h3>
      <p className="small mono">
        {t('journalHeadLine', {
          seq: String(st.head.seq),
          file: st.head.fileSeq === null ? none : String(st.head.fileSeq),
          ack: st.head.issuerAckSeq === null ? none : String(st.head.issuerAckSeq),
        })}
      </p>
      {st.findings.length === 0 ? (
        <p className="small">{t('journalHeadOk')}</p>
      ) : (
        <ul className="small mono" data-testid="tech-journal-findings">
          {st.findings.map((f) => (
            <li key={f.what}>
              {f.what}: {f.detail}
            </li>
          ))}
        </ul>
      )}
      {st.blocked && (
        <div className="banner error" data-testid="tech-journal-block">
          <strong>{t('journalBlocked')}</strong>
          <p>{t(`journalBlock_${st.blocked.reason}` as WordKey)}</p>
          <p className="small mono">{st.blocked.detail}</p>
          <div className="row">
            <input
              value={note}
              onChange={(e) => setNote(e.target.value)}
              placeholder={t('journalAckNote')}
              data-testid="tech-journal-note"
            />
            <button
              className="btn small"
              disabled={note.trim().length === 0}
              data-testid="tech-journal-ack"
              onClick={() =>
                void call('journal.acknowledgeBlock', { note: note.trim() }).then(
                  () => {
                    setOut(t('journalAcked'));
                    setNote('');
                    refresh();
                  },
                  (e: { error?: { code?: string } }) => setOut(err(e.error?.code ?? 'INTERNAL')),
                )
              }
            >
              {t('journalAck')}
            </button>
          </div>
        </div>
      )}
      {out && <p className="small">{out}</p>}
    </section>
  );
}
