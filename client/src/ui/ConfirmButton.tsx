// A destructive action asked twice: the button turns into "Sure? Yes / No" before acting.
import { useState } from 'preact/hooks';

interface ConfirmButtonProps {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  testid: string;
}

export function ConfirmButton({ label, question, onConfirm, disabled, testid }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="danger" disabled={disabled} onClick={() => setAsking(true)} data-testid={testid}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm">
      <span>{question}</span>
      <button
        type="button"
        class="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
        data-testid={`${testid}-confirm`}
      >
        Yes
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        No
      </button>
    </span>
  );
}
