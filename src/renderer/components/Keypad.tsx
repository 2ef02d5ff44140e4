/** The large on-screen keypad: cashiers use it with a finger on a touch screen. */
interface Props {
  onKey: (key: string) => void;
  onOk?: () => void;
  okLabel: string;
  clearLabel: string;
  disabled?: boolean;
  testId?: string;
}

const KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '00', '0', 'back'];

export function Keypad({ onKey, onOk, okLabel, clearLabel, disabled, testId = 'keypad' }: Props) {
  return (
    <div className="keypad" data-testid={testId}>
      {KEYS.map((k) => (
        <button key={k} className="key" disabled={disabled} onClick={() => onKey(k)} data-key={k}>
          {k === 'back' ? '⌫' : k}
        </button>
      ))}
      <button className="key key-clear" disabled={disabled} onClick={() => onKey('clear')} data-key="clear">
        {clearLabel}
      </button>
      {onOk && (
        <button className="key key-ok" disabled={disabled} onClick={onOk} data-key="ok">
          {okLabel}
        </button>
      )}
    </div>
  );
}
