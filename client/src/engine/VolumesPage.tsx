// A server's volumes (/volumes?server=…): whether a container uses each, its size where
// the engine reports it, where its data lives; operators remove one or prune the unused.
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { formatBytes } from '../servers/format';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { Time } from '../ui/Time';
import { PRUNE_VOLUMES, REMOVE_VOLUME, type Volume, VOLUMES } from './queries';
import { RemoveButton, ResourceToolbar } from './ResourceToolbar';
import { useServerPick } from './useServerPick';
import './engine.css';

export function VolumesPage() {
  const { servers, serverId, pick } = useServerPick();
  const [{ data, error, fetching }, reload] = useQuery({ query: VOLUMES, variables: { serverId }, pause: !serverId });
  const volumes = data?.volumes ?? null;
  const refresh = () => reload({ requestPolicy: 'network-only' });
  const sized = volumes?.filter((v) => v.sizeBytes !== null) ?? [];
  const total = sized.length > 0 ? sized.reduce((sum, v) => sum + (v.sizeBytes ?? 0), 0) : null;
  return (
    <div class="stack">
      <ResourceToolbar
        kind="volumes"
        servers={servers}
        serverId={serverId}
        onServer={pick}
        count={volumes?.length ?? null}
        totalBytes={total}
        onRefresh={refresh}
        prune={PRUNE_VOLUMES}
        pruneField="pruneVolumes"
        pruneQuestion="Remove every volume no container uses, and its data?"
      />
      <ErrorNote error={error} />
      {fetching && !volumes && <span class="muted">Loading…</span>}
      {volumes && (
        <div class="scroll-x">
          <table class="grid" data-testid="volumes-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Used</th>
                <th class="num">Size</th>
                <th>Driver</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {volumes.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted">
                    No volumes.
                  </td>
                </tr>
              )}
              {volumes.map((volume) => (
                <VolumeRow key={volume.name} serverId={serverId} volume={volume} onChanged={refresh} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function VolumeRow({ serverId, volume, onChanged }: { serverId: string; volume: Volume; onChanged: () => void }) {
  const { viewer } = useSession();
  const [open, setOpen] = useState(false);
  const [removal, remove] = useMutation(REMOVE_VOLUME);
  const act = async () => {
    const result = await remove({ input: { serverId, name: volume.name, force: false } });
    if (result.data) onChanged();
  };
  return (
    <>
      <tr data-testid="volume-row" data-name={volume.name} data-in-use={volume.inUse}>
        <td class="mono">
          <button type="button" class="link" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="resource-inspect">
            {volume.name}
          </button>
        </td>
        <td>{volume.inUse ? 'in use' : <span class="muted">unused</span>}</td>
        <td class="num mono">{volume.sizeBytes === null ? <span title="the engine does not report it">–</span> : formatBytes(volume.sizeBytes)}</td>
        <td class="mono">{volume.driver}</td>
        <td>
          <Time value={volume.createdAt} />
        </td>
        <td class="actions">
          {roleAllows(viewer.role, 'OPERATOR') && (
            <RemoveButton name={volume.name} busy={removal.fetching} error={removal.error} onConfirm={act} />
          )}
        </td>
      </tr>
      {open && (
        <tr class="details-row">
          <td colSpan={6}>
            <dl class="facts" data-testid="volume-details">
              <dt>Mountpoint</dt>
              <dd class="mono">{volume.mountpoint}</dd>
              <dt>Options</dt>
              <dd class="mono">{volume.options.map((o) => `${o.key}=${o.value}`).join(' ') || '–'}</dd>
              <dt>Labels</dt>
              <dd class="mono">{volume.labels.map((l) => `${l.key}=${l.value}`).join(' ') || '–'}</dd>
            </dl>
          </td>
        </tr>
      )}
    </>
  );
}
