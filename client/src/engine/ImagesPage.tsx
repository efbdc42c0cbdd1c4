// A server's images (/images?server=…): tagged ones first, each with its size, how many
// containers use it and its age; inspect shows how it runs and its layers; operators
// remove one (force: from under stopped containers, all its tags) or prune the dangling.
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { formatBytes } from '../servers/format';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { Time } from '../ui/Time';
import { IMAGE, IMAGES, type Image, PRUNE_IMAGES, REMOVE_IMAGE } from './queries';
import { RemoveButton, ResourceToolbar } from './ResourceToolbar';
import { useServerPick } from './useServerPick';
import './engine.css';

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export function ImagesPage() {
  const { servers, serverId, pick } = useServerPick();
  const [{ data, error, fetching }, reload] = useQuery({ query: IMAGES, variables: { serverId }, pause: !serverId });
  const images = data?.images ?? null;
  const refresh = () => reload({ requestPolicy: 'network-only' });
  const total = images ? images.reduce((sum, image) => sum + (image.sizeBytes ?? 0) - (image.sharedSizeBytes ?? 0), 0) : null;
  return (
    <div class="stack">
      <ResourceToolbar
        kind="images"
        servers={servers}
        serverId={serverId}
        onServer={pick}
        count={images?.length ?? null}
        totalBytes={total}
        onRefresh={refresh}
        prune={PRUNE_IMAGES}
        pruneField="pruneImages"
        pruneQuestion="Remove every dangling image (untagged, unused)?"
      />
      <ErrorNote error={error} />
      {fetching && !images && <span class="muted">Loading…</span>}
      {images && (
        <div class="scroll-x">
          <table class="grid" data-testid="images-table">
            <thead>
              <tr>
                <th>Image</th>
                <th class="num">Size</th>
                <th class="num">Containers</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {images.length === 0 && (
                <tr>
                  <td colSpan={5} class="muted">
                    No images.
                  </td>
                </tr>
              )}
              {images.map((image) => (
                <ImageRow key={image.id} serverId={serverId} image={image} onChanged={refresh} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function ImageRow({ serverId, image, onChanged }: { serverId: string; image: Image; onChanged: () => void }) {
  const { viewer } = useSession();
  const [open, setOpen] = useState(false);
  const [force, setForce] = useState(false);
  const [removal, remove] = useMutation(REMOVE_IMAGE);
  const name = image.tags[0] ?? shortId(image.id);
  const act = async () => {
    const result = await remove({ input: { serverId, image: image.tags[0] ?? image.id, force } });
    if (result.data) onChanged();
  };
  return (
    <>
      <tr data-testid="image-row" data-name={name} data-dangling={image.dangling}>
        <td class="mono">
          <button type="button" class="link" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="resource-inspect">
            {image.dangling ? <span class="muted">&lt;dangling&gt; {shortId(image.id)}</span> : image.tags.join(', ')}
          </button>
        </td>
        <td class="num mono" data-testid="image-size">
          {image.sizeBytes === null ? '–' : formatBytes(image.sizeBytes)}
        </td>
        <td class="num" data-testid="image-containers">{image.containers}</td>
        <td>
          <Time value={image.createdAt} />
        </td>
        <td class="actions">
          {roleAllows(viewer.role, 'OPERATOR') && (
            <>
              <label class="inline" title="also from under stopped containers, and every tag">
                <input type="checkbox" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} data-testid="remove-force" />
                force
              </label>
              <RemoveButton name={name} busy={removal.fetching} error={removal.error} onConfirm={act} />
            </>
          )}
        </td>
      </tr>
      {open && (
        <tr class="details-row">
          <td colSpan={5}>
            <ImageDetailsView serverId={serverId} id={image.id} />
          </td>
        </tr>
      )}
    </>
  );
}

function ImageDetailsView({ serverId, id }: { serverId: string; id: string }) {
  const [{ data, error }] = useQuery({ query: IMAGE, variables: { serverId, id } });
  const image = data?.image;
  if (!image) return <ErrorNote error={error} />;
  return (
    <dl class="facts" data-testid="image-details">
      <dt>Id</dt>
      <dd class="mono">{image.id}</dd>
      <dt>Platform</dt>
      <dd class="mono">{[image.os, image.architecture].filter(Boolean).join('/') || '–'}</dd>
      <dt>Command</dt>
      <dd class="mono">{[...image.entrypoint, ...image.command].join(' ') || '–'}</dd>
      <dt>Working directory</dt>
      <dd class="mono">{image.workingDirectory ?? '–'}</dd>
      <dt>Environment</dt>
      <dd class="mono">{image.env.join(' ') || '–'}</dd>
      <dt>Ports</dt>
      <dd class="mono">{image.exposedPorts.join(', ') || '–'}</dd>
      <dt>Volumes</dt>
      <dd class="mono">{image.volumes.join(', ') || '–'}</dd>
      <dt>Layers</dt>
      <dd>{image.layers.length}</dd>
      <dt>Digests</dt>
      <dd class="mono">{image.digests.join(', ') || '–'}</dd>
    </dl>
  );
}
