// The side-by-side diff of two versions of an app, or of a version against what is live
// in the cluster: per component and per flow, each path that was added, removed or
// changed, with its value on the left (the older side) and on the right.
import { useQuery } from '@urql/preact';
import { ErrorNote } from '../ui/ErrorNote';
import { APP_LIVE_DIFF, APP_VERSION_DIFF, type App, type GraphEntryDiff } from './queries';

export interface DiffChoice {
  from: number;
  /** A version, or what the cluster holds now. */
  to: number | 'live';
}

interface AppDiffProps {
  app: App;
  choice: DiffChoice;
  onChoice: (choice: DiffChoice | null) => void;
}

export function AppDiff({ app, choice, onChoice }: AppDiffProps) {
  const live = choice.to === 'live';
  const [versions] = useQuery({
    query: APP_VERSION_DIFF,
    variables: { appId: app.id, from: choice.from, to: live ? 0 : (choice.to as number) },
    pause: live,
  });
  const [cluster] = useQuery({ query: APP_LIVE_DIFF, variables: { appId: app.id, from: choice.from }, pause: !live });
  const { data, error } = live ? cluster : versions;
  const diff = live ? cluster.data?.appLiveDiff : versions.data?.appVersionDiff;
  const numbers = app.versions.nodes.map((version) => version.number);
  const right = live ? 'the cluster' : `v${choice.to}`;

  return (
    <div class="card stack" data-testid="app-diff">
      <div class="row">
        <h2>Diff</h2>
        <label class="inline">
          from
          <select value={choice.from} onChange={(e) => onChoice({ ...choice, from: Number(e.currentTarget.value) })} data-testid="app-diff-from">
            {numbers.map((n) => (
              <option key={n} value={n}>
                v{n}
              </option>
            ))}
          </select>
        </label>
        <label class="inline">
          to
          <select
            value={String(choice.to)}
            onChange={(e) => onChoice({ ...choice, to: e.currentTarget.value === 'live' ? 'live' : Number(e.currentTarget.value) })}
            data-testid="app-diff-to"
          >
            {numbers.map((n) => (
              <option key={n} value={n}>
                v{n}
              </option>
            ))}
            <option value="live">live in the cluster</option>
          </select>
        </label>
        <button type="button" onClick={() => onChoice(null)}>
          Close
        </button>
      </div>
      <ErrorNote error={error} testid="app-diff-error" />
      {data && diff?.identical && (
        <p class="muted" data-testid="app-diff-identical">
          v{choice.from} and {right} are the same graph.
        </p>
      )}
      {diff && !diff.identical && (
        <>
          <DiffSection title="Components" entries={diff.components} left={`v${choice.from}`} right={right} />
          <DiffSection title="Flows" entries={diff.flows} left={`v${choice.from}`} right={right} />
        </>
      )}
    </div>
  );
}

function DiffSection({ title, entries, left, right }: { title: string; entries: GraphEntryDiff[]; left: string; right: string }) {
  if (entries.length === 0) return null;
  return (
    <div class="stack">
      <h3>{title}</h3>
      <div class="scroll-x">
        <table class="grid graph-diff" data-testid="app-diff-table">
          <thead>
            <tr>
              <th>Where</th>
              <th>{left}</th>
              <th>{right}</th>
            </tr>
          </thead>
          <tbody>
            {entries.flatMap((entry) =>
              entry.paths.map((path) => (
                <tr key={`${entry.name}${path.path}`} class={`diff-${path.change.toLowerCase()}`} data-testid="app-diff-row" data-change={path.change}>
                  <td class="mono">
                    {entry.name}
                    {path.path || <span class="muted"> (whole)</span>}
                  </td>
                  <td>{path.change !== 'ADDED' && <pre class="diff-old">{JSON.stringify(path.old, null, 2)}</pre>}</td>
                  <td>{path.change !== 'REMOVED' && <pre class="diff-new">{JSON.stringify(path.new, null, 2)}</pre>}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
