// Where a git host posts pushes for this stack (this monitor's address and the stack's
// webhookPath) and, for operators, the secret deliveries are signed with: hidden until
// revealed (and only then read from the server), copyable, and rotated on demand.
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ConfirmButton } from '../ui/ConfirmButton';
import { CopyButton } from '../ui/CopyButton';
import { ErrorNote } from '../ui/ErrorNote';
import { ROTATE_WEBHOOK_SECRET, type Stack, STACK_WEBHOOK_SECRET } from './queries';

export function StackWebhook({ stack, canOperate }: { stack: Stack; canOperate: boolean }) {
  const url = `${window.location.origin}${stack.webhookPath}`;
  return (
    <div class="card" data-testid="stack-webhook">
      <h2>Git push webhook</h2>
      <dl class="facts webhook">
        <dt>URL</dt>
        <dd class="row">
          <code data-testid="stack-webhook-url">{url}</code>
          <CopyButton text={url} testid="stack-webhook-url-copy" />
        </dd>
        <dt>Secret</dt>
        <dd>{canOperate ? <WebhookSecret stackId={stack.id} /> : <span class="muted">shown to operators and admins</span>}</dd>
      </dl>
    </div>
  );
}

function WebhookSecret({ stackId }: { stackId: string }) {
  const [revealed, setRevealed] = useState(false);
  const [{ data, error }] = useQuery({
    query: STACK_WEBHOOK_SECRET,
    variables: { id: stackId },
    pause: !revealed,
    requestPolicy: 'network-only',
  });
  // The rotation answers with the new secret: shown at once, whatever the read above holds.
  const [rotated, setRotated] = useState<string | null>(null);
  const [rotation, rotate] = useMutation(ROTATE_WEBHOOK_SECRET);
  const secret = rotated ?? data?.stack?.webhookSecret;

  const confirmRotate = async () => {
    const result = await rotate({ stackId });
    if (result.data) {
      setRotated(result.data.rotateStackWebhookSecret.webhookSecret);
      setRevealed(true);
    }
  };

  return (
    <div class="stack">
      <div class="row">
        {revealed && secret ? (
          <>
            <code class="secret" data-testid="stack-webhook-secret">
              {secret}
            </code>
            <CopyButton text={secret} testid="stack-webhook-secret-copy" />
            <button type="button" onClick={() => setRevealed(false)} data-testid="stack-webhook-hide">
              Hide
            </button>
          </>
        ) : (
          <>
            <span class="mono muted" data-testid="stack-webhook-secret-hidden">
              ••••••••••••••••
            </span>
            <button type="button" onClick={() => setRevealed(true)} data-testid="stack-webhook-reveal">
              Reveal
            </button>
          </>
        )}
        <ConfirmButton
          label="Rotate secret"
          question="The old secret stops working at once. Rotate?"
          disabled={rotation.fetching}
          onConfirm={confirmRotate}
          testid="stack-webhook-rotate"
        />
      </div>
      <ErrorNote error={error ?? rotation.error} testid="stack-webhook-error" />
    </div>
  );
}
