// The fields of one kind's parameters, drawn from its table (params.ts): numbers with
// their bounds and default, choices, flags, text and headers. Each shows the error at
// its path (`params.ping.packets`), whether the builder or the server found it.
import { Field } from '../ui/Field';
import type { MeasurementKind } from './queries';
import { type ParamSpec, shownParams } from './params';

interface ParamFieldsProps {
  kind: MeasurementKind;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  errors: Record<string, string>;
}

/** An error at `path` or below it (a header's name at `params.http.headers.3.name`). */
export function errorAt(errors: Record<string, string>, path: string): string | undefined {
  return errors[path] ?? Object.entries(errors).find(([key]) => key.startsWith(`${path}.`))?.[1];
}

function hint(spec: ParamSpec): string {
  if (spec.type !== 'int') return spec.label;
  const unit = spec.unit ? ` ${spec.unit}` : '';
  return `${spec.label} (${spec.min.toLocaleString('en')}–${spec.max.toLocaleString('en')}${unit})`;
}

export function ParamFields({ kind, values, onChange, errors }: ParamFieldsProps) {
  const prefix = `params.${kind.toLowerCase()}`;
  const set = (key: string, value: string) => onChange({ ...values, [key]: value });

  return (
    <div class="form-row" data-testid="measurement-params">
      {shownParams(kind, values).map((spec) => {
        const testid = `param-${spec.key}`;
        const value = values[spec.key] ?? '';
        const error = errorAt(errors, `${prefix}.${spec.key}`);
        if (spec.type === 'flag') {
          return (
            <label key={spec.key} class="inline flag">
              <input type="checkbox" checked={value === 'true'} onChange={(e) => set(spec.key, String(e.currentTarget.checked))} data-testid={testid} />
              {spec.label}
            </label>
          );
        }
        return (
          <Field key={spec.key} label={hint(spec)} error={error} testid={testid} wide={spec.type === 'headers' || (spec.type === 'text' && spec.wide)}>
            {spec.type === 'choice' && (
              <select value={value} onChange={(e) => set(spec.key, e.currentTarget.value)} data-testid={testid}>
                {spec.options.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            )}
            {spec.type === 'int' && (
              <input
                inputMode="numeric"
                value={value}
                placeholder={spec.fallback === undefined ? 'default' : String(spec.fallback)}
                onInput={(e) => set(spec.key, e.currentTarget.value)}
                data-testid={testid}
              />
            )}
            {spec.type === 'text' && (
              <input value={value} placeholder={spec.placeholder} onInput={(e) => set(spec.key, e.currentTarget.value)} data-testid={testid} />
            )}
            {spec.type === 'headers' && (
              <textarea rows={3} value={value} placeholder="Accept: text/html" onInput={(e) => set(spec.key, e.currentTarget.value)} data-testid={testid} />
            )}
          </Field>
        );
      })}
    </div>
  );
}
