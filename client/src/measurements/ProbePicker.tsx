// Which probes measure: chosen by name from the live list (a disconnected one measures
// when it comes back), or a count the server picks among the connected probes carrying
// the tags and standing in the area, least busy first.
import { ProbeMap } from '../probes/ProbeMap';
import type { Probe } from '../probes/queries';
import { Field } from '../ui/Field';
import type { MeasurementDraft } from './draft';
import { errorAt } from './ParamFields';

// Optional: a circle the counted probes must stand in.
const AREA = [
  { key: 'latitude', label: 'Within: latitude' },
  { key: 'longitude', label: 'longitude' },
  { key: 'radiusKm', label: 'radius (km)' },
] as const;

/** A radius a click on the map starts with. */
const PICKED_RADIUS_KM = '500';

/** The area to draw, once all three numbers make one. */
function drawnArea({ area }: MeasurementDraft) {
  const [latitude, longitude, radiusKm] = [area.latitude, area.longitude, area.radiusKm].map((v) => (v.trim() === '' ? Number.NaN : Number(v)));
  return [latitude, longitude, radiusKm].every(Number.isFinite) && radiusKm > 0 ? { latitude, longitude, radiusKm } : null;
}

interface ProbePickerProps {
  draft: MeasurementDraft;
  onChange: (draft: MeasurementDraft) => void;
  probes: Probe[];
  errors: Record<string, string>;
}

export function ProbePicker({ draft, onChange, probes, errors }: ProbePickerProps) {
  const toggle = (id: string, on: boolean) =>
    onChange({ ...draft, probeIds: on ? [...draft.probeIds, id] : draft.probeIds.filter((p) => p !== id) });
  const idsError = errorAt(errors, 'probes.ids');

  return (
    <fieldset class="probe-picker" data-testid="probe-picker">
      <legend>Probes</legend>
      {errors.probes && (
        <span class="field-error" role="alert" data-testid="probes-error">
          {errors.probes}
        </span>
      )}
      <div class="row">
        <label class="inline">
          <input
            type="radio"
            name="selection"
            checked={draft.selection === 'ids'}
            onChange={() => onChange({ ...draft, selection: 'ids' })}
            data-testid="probe-selection-ids"
          />
          These probes
        </label>
        <label class="inline">
          <input
            type="radio"
            name="selection"
            checked={draft.selection === 'count'}
            onChange={() => onChange({ ...draft, selection: 'count' })}
            data-testid="probe-selection-count"
          />
          Any connected probes
        </label>
      </div>
      {draft.selection === 'ids' && (
        <div class="probe-choices">
          {probes.length === 0 && <p class="muted">No probes registered yet.</p>}
          {probes.map((probe) => (
            <label key={probe.id} class="inline" data-testid={`probe-choice-${probe.name}`}>
              <input type="checkbox" checked={draft.probeIds.includes(probe.id)} onChange={(e) => toggle(probe.id, e.currentTarget.checked)} />
              <span class="mono">{probe.name}</span>
              <span class={probe.connected ? 'probe-dot-key connected' : 'probe-dot-key disconnected'} title={probe.connected ? 'connected' : 'disconnected'} />
              {probe.tags.length > 0 && <span class="muted">{probe.tags.join(', ')}</span>}
            </label>
          ))}
          {idsError && (
            <span class="field-error" role="alert" data-testid="probe-ids-error">
              {idsError}
            </span>
          )}
        </div>
      )}
      {draft.selection === 'count' && (
        <div class="form-row">
          <Field label="How many" error={errorAt(errors, 'probes.count')} testid="probe-count">
            <input inputMode="numeric" value={draft.count} onInput={(e) => onChange({ ...draft, count: e.currentTarget.value })} data-testid="probe-count" />
          </Field>
          <Field label="Carrying the tags (optional)" error={errorAt(errors, 'probes.tags')} testid="probe-tags">
            <input value={draft.tags} placeholder="eu isp-a" onInput={(e) => onChange({ ...draft, tags: e.currentTarget.value })} data-testid="probe-tags" />
          </Field>
          {AREA.map(({ key, label }) => (
            <Field key={key} label={label} error={errors[`probes.area.${key}`] ?? (key === 'radiusKm' ? errors['probes.area'] : undefined)} testid={`probe-area-${key}`}>
              <input
                inputMode="decimal"
                value={draft.area[key]}
                onInput={(e) => onChange({ ...draft, area: { ...draft.area, [key]: e.currentTarget.value } })}
                data-testid={`probe-area-${key}`}
              />
            </Field>
          ))}
          <div class="area-map">
            <ProbeMap
              probes={probes}
              area={drawnArea(draft)}
              onPick={({ latitude, longitude }) =>
                onChange({
                  ...draft,
                  area: { latitude: String(latitude), longitude: String(longitude), radiusKm: draft.area.radiusKm || PICKED_RADIUS_KM },
                })
              }
            />
            <p class="muted">Click the map to centre the area there.</p>
          </div>
        </div>
      )}
    </fieldset>
  );
}
