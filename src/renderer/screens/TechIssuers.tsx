/**
 * The technician's list of issuer entries (`tech.issuers`): each one's protocol, card ranges,
 * endpoints and which is in use (each host's own sign-on: ISO 8583 working keys are per host),
 * enrolled key and last sign-on, link — and once the echo button asks for it (TechTests.tsx),
 * the echo round-trip time of each endpoint, the backup's too, so a dead backup is seen before it
 * is needed. Same list as `cardtill issuers`; an ISO 8583 entry also shows its terminal master key
 * (stored or not, its check value) with the form to enter it (TechTmkEntry.tsx).
 */
import type { Res } from '../../shared/contract';
import { useT } from '../components/useLang';
import { useFormat } from '../format';
import { TXN_KINDS } from '../../shared/txn-kinds';
import { TechTmkEntry } from './TechTmkEntry';

/** Every kind an entry can list (a reversal follows what it undoes): all of them reads "every kind". */
const ALL_OPERATIONS = TXN_KINDS.types.filter((k) => k !== 'reversal');

type IssuerInfo = Res<'tech.issuers'>['issuers'][number];
type Echo = Pick<NonNullable<IssuerInfo['echo']>, 'ok' | 'rttMs' | 'code'>;

export function TechIssuers({
  issuers,
  onChanged,
}: {
  issuers: readonly IssuerInfo[];
  /** After a TMK was entered: the list is asked again (its check value, its sign-on). */
  onChanged?: () => void;
}) {
  const { t, err, lang } = useT();
  const f = useFormat();
  if (!issuers.length) return null;
  const linkWord = (l: IssuerInfo['link']) =>
    l === 'online' ? t('online') : l === 'cut' ? t('linkCut') : l === 'offline' ? t('offline') : '—';
  const echoWhy = (code: string) =>
    code === 'ISSUER_UNREACHABLE' ? t('echoUnreachable') : err(code as Parameters<typeof err>[0]);
  const echoWords = (e: Echo) =>
    e.ok
      ? t('echoOk', { ms: String(e.rttMs) })
      : // The cashier's words for these codes speak of a sale ("nothing was charged"): an echo moves
        // no money, so the technician reads what failed on the link (no codes on screen: i18n sweep).
        `${t('echoFail', { ms: String(e.rttMs) })} ${echoWhy(e.code ?? 'ISSUER_UNREACHABLE')}`;
  const roleWord = (role: 'primary' | 'backup') => t(role === 'primary' ? 'techPrimary' : 'techBackup');
  // With a backup: the failing host's own words (its round trip, not the one in use's).
  const summary = (e: NonNullable<IssuerInfo['echo']>) => {
    const failed = e.endpoints.length > 1 ? e.endpoints.find((x) => !x.ok) : undefined;
    return failed ? `${roleWord(failed.role)} ${echoWords(failed)}` : echoWords(e);
  };
  // The TMK column only when an entry has one (ISO 8583): the others have no master key.
  const anyTmk = issuers.some((i) => i.tmk);
  return (
    <table className="grid" data-testid="tech-issuers">
      <thead>
        <tr>
          <th>{t('techIssuer')}</th>
          <th>{t('techProtocol')}</th>
          <th>{t('techEndpoints')}</th>
          <th>{t('techSignOn')}</th>
          <th>{t('techLink')}</th>
          <th>{t('techEchoRtt')}</th>
          {anyTmk && <th>{t('techTmk')}</th>}
        </tr>
      </thead>
      <tbody>
        {issuers.map((i) => (
          <tr key={i.issuerId} data-testid={`tech-issuer-${i.issuerId}`}>
            <td>
              {/* The single `issuer` block's entry has no name of its own: say what it is. */}
              {i.issuerId === 'default' && i.name === 'default' ? t('techIssuerDefault') : i.name}{' '}
              <span className="mono muted">{i.issuerId}</span>
              {i.home && <span className="tag">{t('techIssuerHome')}</span>}
              <div className="mono small muted" data-testid={`tech-issuer-ranges-${i.issuerId}`}>
                {i.ranges.map((r) => `${r.range || '*'}${r.luhn ? ` (${t('techLuhn')})` : ''}`).join(', ')}
              </div>
              <div className="small muted" data-testid={`tech-issuer-operations-${i.issuerId}`}>
                {t('techOperations', {
                  ops: ALL_OPERATIONS.every((k) => i.operations.includes(k))
                    ? t('techOperationsAll')
                    : i.operations
                        .map((k) => (TXN_KINDS.has(k) ? TXN_KINDS.get(k).title[lang] : k))
                        .join(lang === 'zh' ? '、' : ', '),
                })}
              </div>
            </td>
            <td className="mono small">{i.protocol}</td>
            <td className="small">
              {i.endpoints.map((e) => {
                // Primary and backup each echoed: the round trip under its own address.
                const echoed = i.echo?.endpoints.find((x) => x.role === e.role);
                return (
                  <div key={`${e.role}-${e.address}`} data-in-use={e.inUse}>
                    {roleWord(e.role)} <span className="mono">{e.address}</span>
                    {e.inUse && <span className="tag">{t('techInUse')}</span>}
                    {e.signedOnAt && (
                      <span className="muted">
                        {' '}
                        · {t('techHostSignedOn', { at: f.dateTime(e.signedOnAt) })}
                      </span>
                    )}
                    {echoed && (
                      <div
                        className={echoed.ok ? 'muted' : 'error'}
                        data-testid={`tech-issuer-echo-${i.issuerId}-${e.role}`}
                        data-ok={echoed.ok}
                      >
                        {echoWords(echoed)}
                      </div>
                    )}
                  </div>
                );
              })}
            </td>
            <td className="small" data-testid={`tech-issuer-signon-${i.issuerId}`}>
              {!i.enrols
                ? t('techSignOnOwn')
                : i.enrolledKeyVersion === null
                  ? t('techNotEnrolled')
                  : `v${i.enrolledKeyVersion}${i.lastSignOnAt ? ` · ${f.dateTime(i.lastSignOnAt)}` : ''}`}
            </td>
            <td>{linkWord(i.link)}</td>
            <td data-testid={`tech-issuer-echo-${i.issuerId}`}>{i.echo ? summary(i.echo) : '—'}</td>
            {anyTmk && (
              <td>
                {i.tmk ? (
                  <TechTmkEntry issuerId={i.issuerId} tmk={i.tmk} onEntered={() => onChanged?.()} />
                ) : (
                  '—'
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
