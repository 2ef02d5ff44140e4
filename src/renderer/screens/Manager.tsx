/** The store manager's screen: today at a glance, the shift, past shifts, audit log, operators, limits. */
import { useState } from 'react';
import { useT } from '../components/useLang';
import { TodayPanel, LimitsPanel } from '../components/manager/TodayPanel';
import { ShiftPanel } from '../components/manager/ShiftPanel';
import { ShiftList } from '../components/manager/ShiftList';
import { AuditPanel } from '../components/manager/AuditPanel';
import { OperatorsPanel } from '../components/manager/OperatorsPanel';
import { ChipExceptions } from '../components/manager/ChipExceptions';
import type { WordKey } from '../i18n';
import '../components/manager/manager.css';

const TABS: Array<{ id: string; label: WordKey; Panel: () => React.JSX.Element | null }> = [
  { id: 'today', label: 'mgrToday', Panel: TodayPanel },
  { id: 'shift', label: 'mgrShift', Panel: ShiftPanel },
  { id: 'shifts', label: 'mgrShifts', Panel: ShiftList },
  { id: 'audit', label: 'mgrAudit', Panel: AuditPanel },
  { id: 'operators', label: 'mgrOperators', Panel: OperatorsPanel },
  { id: 'limits', label: 'mgrLimits', Panel: LimitsPanel },
  { id: 'chip', label: 'mgrChip', Panel: ChipExceptions },
];

export function Manager() {
  const { t } = useT();
  const [tab, setTab] = useState('today');
  const current = TABS.find((x) => x.id === tab) ?? TABS[0];
  return (
    <main className="manager" data-testid="manager">
      <nav className="mode-tabs">
        {TABS.map((x) => (
          <button
            key={x.id}
            className={`tab ${x.id === current.id ? 'active' : ''}`}
            onClick={() => setTab(x.id)}
            data-testid={`mgr-tab-${x.id}`}
          >
            {t(x.label)}
          </button>
        ))}
      </nav>
      <current.Panel key={current.id} />
    </main>
  );
}
