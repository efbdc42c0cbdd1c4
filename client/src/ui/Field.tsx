// A labelled form control with its inline validation error underneath.
import type { ComponentChildren } from 'preact';

interface FieldProps {
  label: string;
  error?: string;
  /** data-testid of the error message. */
  testid: string;
  children: ComponentChildren;
}

export function Field({ label, error, testid, children }: FieldProps) {
  return (
    <label class={error ? 'field invalid' : 'field'}>
      <span class="field-label">{label}</span>
      {children}
      {error && (
        <span class="field-error" role="alert" data-testid={`${testid}-error`}>
          {error}
        </span>
      )}
    </label>
  );
}
