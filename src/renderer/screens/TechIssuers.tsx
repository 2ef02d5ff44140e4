/**
 * The technician's list of issuer entries (`tech.issuers`): each one's protocol, card ranges,
 * endpoints and which is in use, enrolled key and last sign-on, link — and the echo round-trip
 * time once the echo button asks for it (TechTests.tsx). Same list as `cardtill issuers`.
 */
import type { Res } from '../../shared/contract';
import { useT } from '../components/useLang';
import { useFormat } from '../format';
import { TXN_KINDS } from '../../shared/txn-kinds';

/** Every kind an entry can list (a reversal follows what it undoes): all of them reads "every kind". */
const ALL_OPERATIONS = TXN_KINDS.types.filter((k) => k !== 'reversal');

type IssuerInfo = Res<'tech.issuers'>['issuers'][number];

export function TechIssuers({ issuers }: { issuers: readonly IssuerInfo[] }) {
  const { t, err, lang } = useT();
  const f = useFormat();
  if (!issuers.length) return null;
  const linkWord = (l: IssuerInfo['link']) =>
    l === 'online' ? t('online') : l === 'cut' ? t('linkCut') : l === 'offline' ? t('offline') : '—';
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
              {i.endpoints.map((e) => (
                <div key={`${e.role}-${e.address}`} data-in-use={e.inUse}>
                  {t(e.role === 'primary' ? 'techPrimary' : 'techBackup')}{' '}
                  <span className="mono">{e.address}</span>
                  {e.inUse && <span className="tag">{t('techInUse')}</span>}
                </div>
              ))}
            </td>
            <td className="small" data-testid={`tech-issuer-signon-${i.issuerId}`}>
              {!i.enrols
                ? `${t('techSignOnOwn')}${i.lastSignOnAt ? ` · ${f.dateTime(i.lastSignOnAt)}` : ''}`
                : i.enrolledKeyVersion === null
                  ? t('techNotEnrolled')
                  : `v${i.enrolledKeyVersion}${i.lastSignOnAt ? ` · ${f.dateTime(i.lastSignOnAt)}` : ''}`}
            </td>
            <td>{linkWord(i.link)}</td>
            <td data-testid={`tech-issuer-echo-${i.issuerId}`}>
              {!i.echo
                ? '—'
                : i.echo.ok
                  ? t('echoOk', { ms: String(i.echo.rttMs) })
                  : `${t('echoFail', { ms: String(i.echo.rttMs) })} ${err(i.echo.code ?? 'ISSUER_UNREACHABLE')}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
