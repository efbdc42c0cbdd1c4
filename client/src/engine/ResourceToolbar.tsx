// Above each resource table: the server, how many there are and the space they take, a
// refresh, and (OPERATOR) the prune with what it removed and freed.
import type { CombinedError } from '@urql/core';
import { type TypedDocumentNode, useMutation } from '@urql/preact';
import { roleAllows } from '../api/types';
import { formatBytes } from '../servers/format';
import type { ServerChoice } from '../servers/queries';
import { ServerSelect } from '../servers/ServerSelect';
import { useSession } from '../session/session';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import type { PruneResult } from './queries';

interface ResourceToolbarProps<Field extends string> {
  /** Plural, as the count says it: `images`. */
  kind: string;
  servers: ServerChoice[];
  serverId: string;
  onServer: (id: string) => void;
  count: number | null;
  totalBytes: number | null;
  onRefresh: () => void;
  prune: TypedDocumentNode<Record<Field, PruneResult>, { input: { serverId: string } }>;
  pruneField: Field;
  pruneQuestion: string;
}

export function ResourceToolbar<Field extends string>(props: ResourceToolbarProps<Field>) {
  const { viewer } = useSession();
  const [pruned, prune] = useMutation(props.prune);
  const result = pruned.data?.[props.pruneField];
  const run = async () => {
    const answer = await prune({ input: { serverId: props.serverId } });
    if (answer.data) props.onRefresh();
  };
  return (
    <>
      <div class="toolbar" data-testid={`${props.kind}-toolbar`}>
        <ServerSelect servers={props.servers} value={props.serverId} onChange={props.onServer} testid="resource-server" />
        <span data-testid={`${props.kind}-count`}>
          {props.count === null ? '' : `${props.count} ${props.count === 1 ? props.kind.replace(/s$/, '') : props.kind}`}
          {props.totalBytes !== null && props.totalBytes > 0 && `, ${formatBytes(props.totalBytes)}`}
        </span>
        <button type="button" onClick={props.onRefresh} data-testid="resource-refresh">
          Refresh
        </button>
        {roleAllows(viewer.role, 'OPERATOR') && props.serverId && (
          <ConfirmButton label="Prune" question={props.pruneQuestion} disabled={pruned.fetching} onConfirm={run} testid="resource-prune" />
        )}
      </div>
      {result && (
        <p class="note" data-testid="prune-result">
          Pruned {result.removed.length} {result.removed.length === 1 ? props.kind.replace(/s$/, '') : props.kind}, reclaiming{' '}
          {formatBytes(result.spaceReclaimedBytes)}.
        </p>
      )}
      <ErrorNote error={pruned.error} testid="prune-error" />
    </>
  );
}

/** The remove button of one row, with its own error. */
export function RemoveButton({
  name,
  busy,
  error,
  onConfirm,
}: {
  name: string;
  busy: boolean;
  error: CombinedError | undefined;
  onConfirm: () => void;
}) {
  return (
    <>
      <ConfirmButton label="Remove" question={`Remove ${name}?`} disabled={busy} onConfirm={onConfirm} testid="resource-remove" />
      <ErrorNote error={error} testid="remove-error" />
    </>
  );
}
