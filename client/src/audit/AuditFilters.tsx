// The audit log's filter bar: kinds (toggle chips), actor name and a time range. Chips apply
// on click; text and time fields when committed (Enter or leaving the field).
import { useState } from 'preact/hooks';
import { localInputToIso } from '../ui/Time';
import { ToggleChips } from '../ui/ToggleChips';
import { AUDIT_KINDS, type AuditEventFilter, type AuditKind } from './queries';

interface Draft {
  kinds: AuditKind[];
  actor: string;
  from: string;
  to: string;
}

const EMPTY: Draft = { kinds: [], actor: '', from: '', to: '' };

function toFilter(draft: Draft): AuditEventFilter {
  const filter: AuditEventFilter = {};
  if (draft.kinds.length > 0) filter.kinds = draft.kinds;
  if (draft.actor.trim()) filter.actor = draft.actor.trim();
  const after = localInputToIso(draft.from);
  const before = localInputToIso(draft.to);
  if (after) filter.occurredAfter = after;
  if (before) filter.occurredBefore = before;
  return filter;
}

export function AuditFilters({ value, onChange }: { value: AuditEventFilter; onChange: (f: AuditEventFilter) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);

  const apply = (next: Draft) => {
    setDraft(next);
    const filter = toFilter(next);
    if (JSON.stringify(filter) !== JSON.stringify(value)) onChange(filter);
  };

  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply(draft);
      }}
      data-testid="audit-filters"
    >
      <ToggleChips
        label="Kinds"
        options={AUDIT_KINDS}
        value={draft.kinds}
        onChange={(kinds) => apply({ ...draft, kinds })}
        testid="filter-kind"
      />
      <div class="row">
        <label class="inline">
          Actor
          <input
            value={draft.actor}
            placeholder="exact name"
            onInput={(e) => setDraft({ ...draft, actor: e.currentTarget.value })}
            onChange={(e) => apply({ ...draft, actor: e.currentTarget.value })}
            data-testid="filter-actor"
          />
        </label>
        <label class="inline">
          From
          <input
            type="datetime-local"
            step="1"
            value={draft.from}
            onChange={(e) => apply({ ...draft, from: e.currentTarget.value })}
            data-testid="filter-from"
          />
        </label>
        <label class="inline">
          To
          <input
            type="datetime-local"
            step="1"
            value={draft.to}
            onChange={(e) => apply({ ...draft, to: e.currentTarget.value })}
            data-testid="filter-to"
          />
        </label>
        <button type="submit">Apply</button>
        <button type="button" onClick={() => apply(EMPTY)} data-testid="filter-clear">
          Clear
        </button>
      </div>
    </form>
  );
}
