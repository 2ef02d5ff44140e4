/**
 * The large on-screen keypad: cashiers use it with a finger on a touch screen. A tap never takes
 * the focus (mousedown's default is prevented), so the keyboard's Enter afterwards means "OK" to
 * the screen, never "press the digit button that was tapped last" (issue 11 #4).
 */
interface Props {
  onKey: (key: string) => void;
  onOk?: () => void;
  okLabel: string;
  clearLabel: string;
  disabled?: boolean;
  testId?: string;
}

const KEYS = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '00', '0', 'back'];
const keepFocus = (e: { preventDefault(): void }) => e.preventDefault();

export function Keypad({ onKey, onOk, okLabel, clearLabel, disabled, testId = 'keypad' }: Props) {
  return (
    <div className="keypad" data-testid={testId}>
      {KEYS.map((k) => (
        <button
          key={k}
          type="button"
          className="key"
          disabled={disabled}
          onMouseDown={keepFocus}
          onClick={() => onKey(k)}
          data-key={k}
        >
          {k === 'back' ? '⌫' : k}
        </button>
      ))}
      <button
        type="button"
        className="key key-clear"
        disabled={disabled}
        onMouseDown={keepFocus}
        onClick={() => onKey('clear')}
        data-key="clear"
      >
        {clearLabel}
      </button>
      {onOk && (
        <button
          type="button"
          className="key key-ok"
          disabled={disabled}
          onMouseDown={keepFocus}
          onClick={onOk}
          data-key="ok"
        >
          {okLabel}
        </button>
      )}
    </div>
  );
}
