// One operation (/operations/view?id=…), opened from the history: the same view the
// command runner shows.
import { Link, useLocation } from '../router';
import { ErrorNote } from '../ui/ErrorNote';
import { OperationDetail } from './OperationDetail';

export function OperationPage() {
  const { query } = useLocation();
  const id = query.get('id');
  return (
    <div class="stack">
      <Link href="/operations">← Operations</Link>
      {id ? <OperationDetail key={id} id={id} /> : <ErrorNote message="Open an operation from the Operations page." />}
    </div>
  );
}

export function operationPath(id: string): string {
  return `/operations/view?id=${encodeURIComponent(id)}`;
}
