// Shows a failed request's message in a red note, or nothing.
import type { CombinedError } from '@urql/core';
import { messageOf } from '../api/errors';

export function ErrorNote({ error, message, testid = 'error' }: { error?: CombinedError; message?: string | null; testid?: string }) {
  const text = message ?? (error ? messageOf(error) : null);
  if (!text) return null;
  return (
    <p class="error-note" role="alert" data-testid={testid}>
      {text}
    </p>
  );
}
