// A container's live log (/containers/logs?server=…&container=…): follow or not, pause
// (new lines are counted, not shown, until resumed), a search that filters the lines
// shown, and the tail size to start from.
import { useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { ContainerStatusBadge } from '../containers/ContainerStatusBadge';
import { CONTAINER } from '../containers/queries';
import { Link, useLocation } from '../router';
import { ErrorNote } from '../ui/ErrorNote';
import { LogPane, type PaneEntry } from '../ui/LogPane';
import { TrimmedNote } from '../ui/TrimmedNote';
import { type LogState, MAX_LINES, useContainerLogs } from './useContainerLogs';
import './logs.css';

const TAILS = [100, 1000, 5000, 100000];

interface Frozen {
  entries: PaneEntry[];
  received: number;
}

export function LogsPage() {
  const { query } = useLocation();
  const serverId = query.get('server') ?? '';
  const containerId = query.get('container') ?? '';
  if (!serverId || !containerId) return <ErrorNote message="Open a container's log from the Containers page." />;
  return <ContainerLog key={`${serverId}/${containerId}`} serverId={serverId} containerId={containerId} />;
}

export function logsPath(container: { serverId: string; id: string }): string {
  return `/containers/logs?server=${encodeURIComponent(container.serverId)}&container=${encodeURIComponent(container.id)}`;
}

function ContainerLog({ serverId, containerId }: { serverId: string; containerId: string }) {
  const [{ data, error }] = useQuery({ query: CONTAINER, variables: { serverId, id: containerId } });
  const [tail, setTail] = useState(TAILS[0]);
  const [follow, setFollow] = useState(true);
  const [frozen, setFrozen] = useState<Frozen | null>(null);
  const [search, setSearch] = useState('');
  const log = useContainerLogs(serverId, containerId, tail, follow);

  // A new tail or follow starts the log over: a pause would hide the new start.
  const restart = (apply: () => void) => {
    setFrozen(null);
    apply();
  };
  const view: Frozen = frozen ?? { entries: log.entries, received: log.received };
  const { entries } = view;
  const unseen = log.received - view.received;
  const trimmed = view.received - entries.length;
  const needle = search.trim().toLowerCase();
  const shown = needle ? entries.filter((e) => 'missed' in e || e.text.toLowerCase().includes(needle)) : entries;
  const container = data?.container;

  return (
    <div class="stack logs-page">
      <div class="summary">
        <Link href="/containers">← Containers</Link>
        <span class="mono" data-testid="log-container-name">
          {container?.name ?? containerId}
        </span>
        {container && <ContainerStatusBadge status={container.status} health={container.health} />}
        {container && <span class="mono muted">{container.image}</span>}
      </div>
      <ErrorNote error={error} />
      <div class="toolbar" data-testid="log-toolbar">
        <label class="inline">
          <input
            type="checkbox"
            checked={follow}
            onChange={(e) => restart(() => setFollow(e.currentTarget.checked))}
            data-testid="log-follow"
          />
          Follow
        </label>
        <button
          type="button"
          onClick={() => setFrozen(frozen ? null : { entries: log.entries, received: log.received })}
          aria-pressed={!!frozen}
          data-testid="log-pause"
        >
          {frozen ? `Resume${unseen > 0 ? ` (${unseen} new)` : ''}` : 'Pause'}
        </button>
        <label class="inline">
          Tail
          <select
            value={tail}
            onChange={(e) => restart(() => setTail(Number(e.currentTarget.value)))}
            data-testid="log-tail"
          >
            {TAILS.map((n) => (
              <option key={n} value={n}>
                {n.toLocaleString('en')}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          value={search}
          placeholder="Search shown lines"
          onInput={(e) => setSearch(e.currentTarget.value)}
          data-testid="log-search"
        />
        <span class="muted" data-testid="log-count">
          {needle ? `${shown.length} of ${entries.length} lines match` : `${entries.length} lines`}
        </span>
        {unseen > 0 && (
          <span class="log-unseen" data-testid="log-unseen">
            paused: {unseen} new line{unseen === 1 ? '' : 's'} not shown
          </span>
        )}
        <LogStateMark state={log.state} follow={follow} />
      </div>
      <ErrorNote message={log.error} testid="log-error" />
      <TrimmedNote trimmed={trimmed} max={MAX_LINES} testid="log-trimmed" />
      <LogPane entries={shown} stickToBottom={follow && !frozen} testid="log-view" />
    </div>
  );
}

function LogStateMark({ state, follow }: { state: LogState; follow: boolean }) {
  if (state === 'streaming') {
    return follow ? (
      <span class="live" data-testid="log-state">
        ● following
      </span>
    ) : (
      <span class="muted" data-testid="log-state">
        reading…
      </span>
    );
  }
  if (state === 'ended') {
    return (
      <span class="muted" data-testid="log-state">
        {follow ? 'ended: the container stopped' : 'end of log'}
      </span>
    );
  }
  return (
    <span class="live-stopped" data-testid="log-state">
      ○ stopped
    </span>
  );
}
