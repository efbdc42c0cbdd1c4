// The backups monitor takes by itself (backup.every), newest first, with their age (the
// exact time on hover): the files `monitor restore` brings back.
import { gql, useQuery } from '@urql/preact';
import type { DateTime } from '../api/types';
import { formatBytes } from '../servers/format';
import { ErrorNote } from '../ui/ErrorNote';
import { Time } from '../ui/Time';
import { useInterval } from '../ui/useInterval';

/** The list is read again this often, so new backups and their ages show. */
const REFRESH_MS = 5_000;

interface StoredBackup {
  name: string;
  path: string;
  createdAt: DateTime;
  sizeBytes: number;
}

const SCHEDULED_BACKUPS = gql<{
  scheduledBackups: { directory: string; every: string | null; keep: number; backups: StoredBackup[] };
}>`
  query ScheduledBackups {
    scheduledBackups {
      directory
      every
      keep
      backups {
        name
        path
        createdAt
        sizeBytes
      }
    }
  }
`;

export function ScheduledBackups() {
  const [{ data, error }, refresh] = useQuery({ query: SCHEDULED_BACKUPS, requestPolicy: 'network-only' });
  useInterval(() => refresh({ requestPolicy: 'network-only' }), REFRESH_MS);
  const scheduled = data?.scheduledBackups;

  return (
    <section class="stack" data-testid="scheduled-backups">
      <h2>Scheduled backups</h2>
      <ErrorNote error={error} />
      {scheduled && (
        <p class="muted">
          {scheduled.every
            ? `Every ${scheduled.every}, the newest ${scheduled.keep} kept, in `
            : 'Off (set backup.every to turn them on). Backups are kept in '}
          <span class="mono">{scheduled.directory}</span>.
        </p>
      )}
      {scheduled && (
        <table class="grid" data-testid="scheduled-backups-table">
          <thead>
            <tr>
              <th>File</th>
              <th>Taken</th>
              <th>Size</th>
            </tr>
          </thead>
          <tbody>
            {scheduled.backups.length === 0 && (
              <tr>
                <td colSpan={3} class="muted">
                  No backup taken yet.
                </td>
              </tr>
            )}
            {scheduled.backups.map((backup) => (
              <tr key={backup.name} data-testid="scheduled-backup">
                <td class="mono" title={backup.path}>
                  {backup.name}
                </td>
                <td data-testid="scheduled-backup-age">
                  <Time value={backup.createdAt} />
                </td>
                <td>{formatBytes(backup.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
