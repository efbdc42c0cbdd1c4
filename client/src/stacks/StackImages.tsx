// A stack's images in the registry (tag, digest), the deployed one marked, each with a
// Rollback button that runs it in place of the stack's container, when the stack can
// roll back. A registry that cannot be reached shows here only; with no registry
// configured, it says why there is no Push and no Rollback.
import type { CombinedError } from '@urql/core';
import { useMutation } from '@urql/preact';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { ROLLBACK_STACK, type Stack, type StackImage } from './queries';

interface StackImagesProps {
  stack: Stack;
  /** Undefined until read; null when the registry could not be read (see `error`). */
  images: StackImage[] | null | undefined;
  error: CombinedError | undefined;
  canRollback: boolean;
  onStarted: (operationId: string) => void;
}

export function StackImages({ stack, images, error, canRollback, onStarted }: StackImagesProps) {
  if (!stack.registryRepository) {
    return (
      <div class="card stack" data-testid="stack-images">
        <h2>Registry images</h2>
        <p class="muted" data-testid="stack-no-registry">
          No registry: <code>registry.url</code> is not set, and no local server's engine has the image monitor runs
          its own registry from (<code>registry.managed_image</code>). Builds stay on the server that built them:
          there is nothing to push, and no earlier image to roll back to.
        </p>
      </div>
    );
  }
  return (
    <div class="card stack" data-testid="stack-images">
      <h2>Registry images</h2>
      <p class="muted mono">{stack.registryRepository}</p>
      <ErrorNote error={error} testid="stack-images-error" />
      {images && images.length === 0 && <p class="muted">No images of this stack in the registry.</p>}
      {images && images.length > 0 && (
        <table class="grid">
          <thead>
            <tr>
              <th>Tag</th>
              <th>Digest</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {images.map((image) => (
              <tr key={image.reference} data-testid={`stack-image-${image.tag}`}>
                <td class="mono">
                  {image.tag}
                  {image.reference === stack.deployedImage && (
                    <span class="deployed-mark" data-testid="stack-image-deployed">
                      deployed
                    </span>
                  )}
                </td>
                <td class="mono" title={image.digest ?? undefined}>
                  {image.digest ?? <span class="muted">—</span>}
                </td>
                <td class="actions">
                  {canRollback && <RollbackButton stack={stack} image={image} onStarted={onStarted} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RollbackButton({ stack, image, onStarted }: { stack: Stack; image: StackImage; onStarted: (operationId: string) => void }) {
  const [{ fetching, error }, rollback] = useMutation(ROLLBACK_STACK);
  const confirm = async () => {
    const result = await rollback({ stackId: stack.id, image: image.reference });
    if (result.data) onStarted(result.data.rollbackStack.id);
  };
  return (
    <>
      <ConfirmButton
        label="Rollback"
        question={`Run ${image.tag} in place of ${stack.name}'s container?`}
        disabled={fetching}
        onConfirm={confirm}
        testid="stack-image-rollback"
      />
      <ErrorNote error={error} testid="stack-image-rollback-error" />
    </>
  );
}
