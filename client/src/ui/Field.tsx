// A labelled form control with its inline validation error underneath.
import type { ComponentChildren } from 'preact';

interface FieldProps {
  label: string;
  error?: string;
  /** data-testid of the error message. */
  testid: string;
  /** For long values (endpoints, commands) in a row of fields. */
  wide?: boolean;
  children: ComponentChildren;
}

export function Field({ label, error, testid, wide, children }: FieldProps) {
  return (
    <label class={`field${wide ? ' wide' : ''}${error ? ' invalid' : ''}`}>
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
