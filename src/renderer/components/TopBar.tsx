import { useTill } from '../store';
import { useT } from './useLang';
import { signOut, toggleLang } from '../actions';

export function TopBar() {
  const info = useTill((s) => s.session.info);
  const { t } = useT();
  const link = info?.link ?? 'offline';
  const linkWord = link === 'online' ? t('online') : link === 'cut' ? t('linkCut') : t('offline');
  return (
    <header className="topbar">
      <div className="brand">
        <strong>{info?.merchantName ?? 'CardTill'}</strong>
        <span className="muted">
          {' '}
          TID {info?.terminalId} · MID {info?.merchantId}
        </span>
        {info?.demo && <span className="tag demo">{t('demoTag')}</span>}
      </div>
      <div className="topbar-right">
        <span className={`pill link-${link}`} data-testid="link-state">
          {t('link')}: {linkWord}
        </span>
        {info?.operator && (
          <span className="operator" data-testid="operator">
            {info.operator.name} · {t(`role_${info.operator.role}`)}
          </span>
        )}
        <button className="btn small" onClick={toggleLang} data-testid="lang-toggle">
          {t('language')}
        </button>
        {info?.operator && (
          <button className="btn small" onClick={() => void signOut()} data-testid="sign-out">
            {t('signOut')}
          </button>
        )}
      </div>
    </header>
  );
}
