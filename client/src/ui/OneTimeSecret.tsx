// A secret shown the one time the server returns it (an API token, a probe's token): what
// it is, the secret with a copy button, and Done, which lets it go for good.
import type { ComponentChildren } from 'preact';
import { CopyButton } from './CopyButton';

interface OneTimeSecretProps {
  secret: string;
  onDismiss: () => void;
  /** data-testid of the box; `-value`, `-copy` and `-dismiss` are appended for its parts. */
  testid: string;
  /** What the secret is and what to do with it. */
  children: ComponentChildren;
}

export function OneTimeSecret({ secret, onDismiss, testid, children }: OneTimeSecretProps) {
  return (
    <div class="card notice" data-testid={testid}>
      {children}
      <div class="row">
        <code class="secret" data-testid={`${testid}-value`}>
          {secret}
        </code>
        <CopyButton text={secret} testid={`${testid}-copy`} />
        <button type="button" onClick={onDismiss} data-testid={`${testid}-dismiss`}>
          Done
        </button>
      </div>
    </div>
  );
}
