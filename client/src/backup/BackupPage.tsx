// Backup (ADMIN): downloads the whole store through a single-use URL, and lists the
// backups monitor takes by itself.
import { gql, useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import type { DateTime } from '../api/types';
import { ErrorNote } from '../ui/ErrorNote';
import { Time } from '../ui/Time';
import { ScheduledBackups } from './ScheduledBackups';

const CREATE_BACKUP_DOWNLOAD = gql<{ createBackupDownload: { url: string; expiresAt: DateTime } }>`
  mutation CreateBackupDownload {
    createBackupDownload {
      url
      expiresAt
    }
  }
`;

/** Downloads a same-origin URL without leaving the page. */
function download(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.click();
}

export function BackupPage() {
  const [{ fetching, error }, createDownload] = useMutation(CREATE_BACKUP_DOWNLOAD);
  const [startedAt, setStartedAt] = useState<DateTime | null>(null);

  const start = async () => {
    setStartedAt(null);
    const result = await createDownload({});
    if (result.data) {
      download(result.data.createBackupDownload.url);
      setStartedAt(new Date().toISOString());
    }
  };

  return (
    <div class="stack narrow">
      <p>
        Downloads the whole store as one file. Keep it somewhere safe; <span class="mono">monitor restore</span>{' '}
        brings it back.
      </p>
      <div class="row">
        <button type="button" class="primary" onClick={start} disabled={fetching} data-testid="backup-download">
          {fetching ? 'Preparing…' : 'Download backup'}
        </button>
        {startedAt && (
          <span class="ok-note" data-testid="backup-started">
            Download started at <Time value={startedAt} />.
          </span>
        )}
      </div>
      <ErrorNote error={error} />
      <ScheduledBackups />
    </div>
  );
}
