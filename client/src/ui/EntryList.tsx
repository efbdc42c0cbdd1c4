// A labelled list of entries edited in place (ports, env, scripts, steps): each entry's
// controls with a remove button and its error underneath, then an Add button. Errors are
// keyed by path (see nestedFormErrors): the entry at `<path>.<index>` shows its own and
// those of its parts, the list shows the one at `<path>`.
import type { ComponentChildren } from 'preact';

interface EntryListProps<T> {
  label: string;
  entries: T[];
  onChange: (entries: T[]) => void;
  /** What Add appends. */
  blank: T;
  errors: Record<string, string>;
  /** The list's path in `errors`, e.g. `deploy.ports`. */
  path: string;
  /** Prefix of the data-testids: `<testid>-<index>`, `<testid>-<index>-error`, `<testid>-add`. */
  testid: string;
  /** One entry's controls; `set` replaces the entry. */
  children: (entry: T, set: (entry: T) => void, index: number) => ComponentChildren;
}

function entryError(errors: Record<string, string>, at: string): string | undefined {
  return errors[at] ?? Object.entries(errors).find(([key]) => key.startsWith(`${at}.`))?.[1];
}

export function EntryList<T>({ label, entries, onChange, blank, errors, path, testid, children }: EntryListProps<T>) {
  const set = (index: number) => (entry: T) => onChange(entries.map((old, i) => (i === index ? entry : old)));
  const listError = errors[path];

  return (
    <div class={`field entry-list${listError ? ' invalid' : ''}`} role="group" aria-label={label}>
      <span class="field-label">{label}</span>
      {entries.map((entry, index) => {
        const error = entryError(errors, `${path}.${index}`);
        return (
          <div key={index} class={`entry${error ? ' invalid' : ''}`}>
            <div class="entry-controls">
              {children(entry, set(index), index)}
              <button
                type="button"
                title="Remove"
                onClick={() => onChange(entries.filter((_, i) => i !== index))}
                data-testid={`${testid}-${index}-remove`}
              >
                ×
              </button>
            </div>
            {error && (
              <span class="field-error" role="alert" data-testid={`${testid}-${index}-error`}>
                {error}
              </span>
            )}
          </div>
        );
      })}
      <button type="button" class="entry-add" onClick={() => onChange([...entries, blank])} data-testid={`${testid}-add`}>
        Add
      </button>
      {listError && (
        <span class="field-error" role="alert" data-testid={`${testid}-error`}>
          {listError}
        </span>
      )}
    </div>
  );
}
