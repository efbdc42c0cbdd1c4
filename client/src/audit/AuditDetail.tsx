// The expanded view of one audit event: ids, actor and the before/after diff when recorded.
import type { AuditEvent } from './queries';

function Json({ value, testid }: { value: unknown; testid: string }) {
  return (
    <pre class="json" data-testid={testid}>
      {value === null || value === undefined ? '—' : JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function AuditDetail({ event }: { event: AuditEvent }) {
  return (
    <div class="detail" data-testid="audit-detail">
      <dl class="facts">
        <dt>Event</dt>
        <dd class="mono">{event.id}</dd>
        <dt>Actor</dt>
        <dd>
          {event.actor.kind} <span class="mono">{event.actor.name}</span>
          {event.actor.userId && <span class="mono muted"> ({event.actor.userId})</span>}
        </dd>
        {event.subject && (
          <>
            <dt>Subject</dt>
            <dd>
              {event.subject.type} <span class="mono">{event.subject.name ?? ''}</span>
              {event.subject.id && <span class="mono muted"> ({event.subject.id})</span>}
            </dd>
          </>
        )}
      </dl>
      {event.diff ? (
        <div class="diff">
          <div>
            <div class="diff-title">Before</div>
            <Json value={event.diff.before} testid="diff-before" />
          </div>
          <div>
            <div class="diff-title">After</div>
            <Json value={event.diff.after} testid="diff-after" />
          </div>
        </div>
      ) : (
        <p class="muted" data-testid="no-diff">
          No diff recorded.
        </p>
      )}
    </div>
  );
}
