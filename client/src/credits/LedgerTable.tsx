// A user's credit movements, newest first: what moved, by how much, and the balance
// right after it; a movement for a measurement links to it.
import { measurementPath } from '../measurements/MeasurementPage';
import { Link } from '../router';
import { Time } from '../ui/Time';
import type { CreditEntry, CreditMovement } from './queries';

const MOVEMENTS: Record<CreditMovement, string> = {
  GRANT: 'granted',
  RESERVATION: 'reserved for a measurement',
  RELEASE: 'given back (not delivered)',
  EARNING: 'earned by a probe',
};

export function LedgerTable({ entries }: { entries: CreditEntry[] }) {
  return (
    <table class="grid ledger" data-testid="ledger-table">
      <thead>
        <tr>
          <th>When</th>
          <th>Movement</th>
          <th class="num">Amount</th>
          <th class="num">Balance after</th>
          <th>For</th>
          <th>Note</th>
        </tr>
      </thead>
      <tbody>
        {entries.length === 0 && (
          <tr>
            <td colSpan={6} class="muted">
              No movements yet.
            </td>
          </tr>
        )}
        {entries.map((entry) => (
          <tr key={entry.id} data-testid="ledger-row" data-movement={entry.movement}>
            <td>
              <Time value={entry.at} />
            </td>
            <td>{MOVEMENTS[entry.movement]}</td>
            <td class={`num mono ${entry.amount < 0 ? 'debit' : 'credit'}`} data-testid="ledger-amount">
              {entry.amount > 0 ? `+${entry.amount}` : entry.amount}
            </td>
            <td class="num mono" data-testid="ledger-balance-after">
              {entry.balanceAfter}
            </td>
            <td class="mono">
              {entry.measurementId && <Link href={measurementPath(entry.measurementId)}>measurement</Link>}
              {entry.probeId && <span>probe {entry.probeId}</span>}
            </td>
            <td>{entry.note ?? <span class="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
