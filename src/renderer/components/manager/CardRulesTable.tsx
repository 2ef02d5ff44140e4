/**
 * The card rules in force (src/shared/card-rules.ts, config `cardRules`), in words and yuan, for
 * the manager's 限额 tab: the caps, the ID and no-cash thresholds, the anonymous cash-out ceiling.
 * The issue asks the rules to be shown to the manager; the cashier's panel shows them in one line.
 */
import { useEffect, useState } from 'react';
import { call } from '../../actions';
import { useT } from '../useLang';
import type { CardRulesConfig } from '../../../shared/card-rules';

export function CardRulesTable() {
  const { t, money } = useT();
  const [rules, setRules] = useState<CardRulesConfig | null>(null);
  useEffect(() => void call('card.rules', {}).then(setRules, () => setRules(null)), []);
  if (!rules) return null;
  const from = (fen: number) => t('crFrom', { amount: money(fen) });
  return (
    <>
      <h3>{t('crTitle')}</h3>
      <table className="grid" data-testid="mgr-card-rules">
        <tbody>
          <tr>
            <th>{t('crRegisteredCap')}</th>
            <td data-testid="rule-registered-cap">{money(rules.registeredCapFen)}</td>
            <th>{t('crAnonymousCap')}</th>
            <td>{money(rules.anonymousCapFen)}</td>
          </tr>
          <tr>
            <th>{t('crAnonymousId')}</th>
            <td>{from(rules.anonymousIdFromFen)}</td>
            <th>{t('crAnonymousCashout')}</th>
            <td>{money(rules.anonymousCashoutMaxFen)}</td>
          </tr>
          <tr>
            <th>{t('crOrgNoCash')}</th>
            <td>{from(rules.organisationNoCashFromFen)}</td>
            <th>{t('crPersonNoCash')}</th>
            <td>{from(rules.personNoCashFromFen)}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted small">{t('crCardForCard')}</p>
    </>
  );
}
