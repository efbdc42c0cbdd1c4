// An action asked twice: the button turns into "Sure? Yes / No" before acting. Red for
// what destroys; `primary` for what changes a running system (a deploy, say).
import { useState } from 'preact/hooks';

interface ConfirmButtonProps {
  label: string;
  question: string;
  onConfirm: () => void;
  disabled?: boolean;
  primary?: boolean;
  testid: string;
}

export function ConfirmButton({ label, question, onConfirm, disabled, primary, testid }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const tone = primary ? 'primary' : 'danger';
  if (!asking) {
    return (
      <button type="button" class={tone} disabled={disabled} onClick={() => setAsking(true)} data-testid={testid}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm">
      <span>{question}</span>
      <button
        type="button"
        class={tone}
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
