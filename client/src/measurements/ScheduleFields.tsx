// When a measurement runs: once, now; or every N seconds from a start (now when blank)
// until a stop.
import { Field } from '../ui/Field';
import { EVERY_SECONDS, type MeasurementDraft } from './draft';

interface ScheduleFieldsProps {
  draft: MeasurementDraft;
  onChange: (draft: MeasurementDraft) => void;
  errors: Record<string, string>;
}

export function ScheduleFields({ draft, onChange, errors }: ScheduleFieldsProps) {
  return (
    <div class="form-row" data-testid="measurement-schedule">
      <label class="inline flag">
        <input type="checkbox" checked={draft.repeat} onChange={(e) => onChange({ ...draft, repeat: e.currentTarget.checked })} data-testid="schedule-repeat" />
        Repeat
      </label>
      {!draft.repeat && <span class="muted flag">Runs once, now.</span>}
      {draft.repeat && (
        <>
          <Field label={`Every (${EVERY_SECONDS.min}–${EVERY_SECONDS.max.toLocaleString('en')} s)`} error={errors['schedule.everySeconds']} testid="schedule-every">
            <input inputMode="numeric" value={draft.everySeconds} onInput={(e) => onChange({ ...draft, everySeconds: e.currentTarget.value })} data-testid="schedule-every" />
          </Field>
          <Field label="From (blank: now)" error={errors['schedule.start']} testid="schedule-start">
            <input type="datetime-local" value={draft.start} onInput={(e) => onChange({ ...draft, start: e.currentTarget.value })} data-testid="schedule-start" />
          </Field>
          <Field label="Until" error={errors['schedule.stop'] ?? errors.schedule} testid="schedule-stop">
            <input type="datetime-local" value={draft.stop} onInput={(e) => onChange({ ...draft, stop: e.currentTarget.value })} data-testid="schedule-stop" />
          </Field>
        </>
      )}
    </div>
  );
}
