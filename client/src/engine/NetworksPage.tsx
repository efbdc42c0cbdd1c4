// A server's networks (/networks?server=…): driver, scope, subnets; inspect lists the
// containers attached; operators remove one (not the engine's own) or prune the unused.
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { useSession } from '../session/session';
import { ErrorNote } from '../ui/ErrorNote';
import { NETWORK, NETWORKS, type Network, PRUNE_NETWORKS, REMOVE_NETWORK } from './queries';
import { RemoveButton, ResourceToolbar } from './ResourceToolbar';
import { useServerPick } from './useServerPick';
import './engine.css';

export function NetworksPage() {
  const { servers, serverId, pick } = useServerPick();
  const [{ data, error, fetching }, reload] = useQuery({ query: NETWORKS, variables: { serverId }, pause: !serverId });
  const networks = data?.networks ?? null;
  const refresh = () => reload({ requestPolicy: 'network-only' });
  return (
    <div class="stack">
      <ResourceToolbar
        kind="networks"
        servers={servers}
        serverId={serverId}
        onServer={pick}
        count={networks?.length ?? null}
        totalBytes={null}
        onRefresh={refresh}
        prune={PRUNE_NETWORKS}
        pruneField="pruneNetworks"
        pruneQuestion="Remove every network no container is attached to?"
      />
      <ErrorNote error={error} />
      {fetching && !networks && <span class="muted">Loading…</span>}
      {networks && (
        <div class="scroll-x">
          <table class="grid" data-testid="networks-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Driver</th>
                <th>Scope</th>
                <th>Subnets</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {networks.map((network) => (
                <NetworkRow key={network.id} serverId={serverId} network={network} onChanged={refresh} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function NetworkRow({ serverId, network, onChanged }: { serverId: string; network: Network; onChanged: () => void }) {
  const { viewer } = useSession();
  const [open, setOpen] = useState(false);
  const [removal, remove] = useMutation(REMOVE_NETWORK);
  const act = async () => {
    const result = await remove({ input: { serverId, network: network.id } });
    if (result.data) onChanged();
  };
  return (
    <>
      <tr data-testid="network-row" data-name={network.name}>
        <td class="mono">
          <button type="button" class="link" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="resource-inspect">
            {network.name}
          </button>
          {network.internal && <span class="muted"> internal</span>}
        </td>
        <td class="mono">{network.driver}</td>
        <td class="mono">{network.scope}</td>
        <td class="mono">{network.subnets.join(', ') || '–'}</td>
        <td class="actions">
          {roleAllows(viewer.role, 'OPERATOR') &&
            (network.predefined ? (
              <span class="muted">the engine's own</span>
            ) : (
              <RemoveButton name={network.name} busy={removal.fetching} error={removal.error} onConfirm={act} />
            ))}
        </td>
      </tr>
      {open && (
        <tr class="details-row">
          <td colSpan={5}>
            <NetworkDetailsView serverId={serverId} id={network.id} />
          </td>
        </tr>
      )}
    </>
  );
}

function NetworkDetailsView({ serverId, id }: { serverId: string; id: string }) {
  const [{ data, error }] = useQuery({ query: NETWORK, variables: { serverId, id } });
  const network = data?.network;
  if (!network) return <ErrorNote error={error} />;
  return (
    <dl class="facts" data-testid="network-details">
      <dt>Gateways</dt>
      <dd class="mono">{network.gateways.join(', ') || '–'}</dd>
      <dt>Containers</dt>
      <dd class="mono" data-testid="network-containers">
        {network.containers.map((c) => `${c.name}${c.ipv4Address ? ` (${c.ipv4Address})` : ''}`).join(', ') || 'none'}
      </dd>
      <dt>Options</dt>
      <dd class="mono">{network.options.map((o) => `${o.key}=${o.value}`).join(' ') || '–'}</dd>
    </dl>
  );
}
