// CPU, memory and network of a running container over the last minute, live: the current
// value of each in words, and a small chart of each beside it.
import { formatBytes, formatPercent } from '../servers/format';
import { ErrorNote } from '../ui/ErrorNote';
import { Sparkline } from './Sparkline';
import { type StatsState, WINDOW, useContainerStats } from './useContainerStats';

const STATE_TEXT: Record<StatsState, string> = {
  waiting: 'waiting for the first sample…',
  live: '● live',
  ended: 'not running: no stats',
  failed: '○ stopped',
};

export function ContainerStats({ serverId, containerId, running }: { serverId: string; containerId: string; running: boolean }) {
  const { points, state, error } = useContainerStats(serverId, containerId, running);
  const last = points[points.length - 1];
  const noNetwork = last !== undefined && last.networkReceivedBytes === null;
  // A new view fills its charts from the left until a minute of samples has come.
  const slots = Math.min(WINDOW, Math.max(points.length, 10));
  const rate = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${formatBytes(value)}/s`);

  return (
    <section class="card container-stats" data-testid="container-stats" data-state={state} data-samples={points.length}>
      <div class="toolbar">
        <h2>Resources</h2>
        <span class={state === 'live' ? 'live' : 'muted'} data-testid="stats-state">
          {STATE_TEXT[state]}
        </span>
      </div>
      <ErrorNote message={error} testid="stats-error" />
      <div class="stat-grid">
        <div class="stat">
          <div class="stat-head">
            <span class="muted">CPU</span>
            <span class="mono" data-testid="stat-cpu">
              {last?.cpuPercent != null ? formatPercent(last.cpuPercent) : '–'}
            </span>
          </div>
          <Sparkline series={[{ values: points.map((p) => p.cpuPercent), className: 'line-cpu' }]} slots={slots} label="CPU over the last minute" testid="chart-cpu" />
        </div>
        <div class="stat">
          <div class="stat-head">
            <span class="muted">Memory</span>
            <span class="mono" data-testid="stat-memory">
              {last?.memoryUsedBytes != null
                ? `${formatBytes(last.memoryUsedBytes)}${last.memoryLimitBytes ? ` of ${formatBytes(last.memoryLimitBytes)}` : ''}`
                : '–'}
            </span>
          </div>
          <Sparkline series={[{ values: points.map((p) => p.memoryUsedBytes), className: 'line-memory' }]} slots={slots} label="memory over the last minute" testid="chart-memory" />
        </div>
        <div class="stat">
          <div class="stat-head">
            <span class="muted">Network</span>
            <span class="mono" data-testid="stat-network">
              {noNetwork ? 'host network: none of its own' : `↓ ${rate(last?.receivedPerSecond)} ↑ ${rate(last?.sentPerSecond)}`}
            </span>
          </div>
          <Sparkline
            series={[
              { values: points.map((p) => p.receivedPerSecond), className: 'line-in' },
              { values: points.map((p) => p.sentPerSecond), className: 'line-out' },
            ]}
            slots={slots}
            label="network over the last minute"
            testid="chart-network"
          />
        </div>
        <div class="stat">
          <div class="stat-head">
            <span class="muted">Processes</span>
            <span class="mono" data-testid="stat-pids">
              {last?.pids ?? '–'}
            </span>
          </div>
        </div>
      </div>
    </section>
  );
}
