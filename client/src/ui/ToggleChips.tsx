// A group of toggle chips choosing any of a fixed set of values (statuses, kinds): a click
// adds its value to the choice or takes it out, and the new choice is reported at once.
interface ToggleChipsProps<T extends string> {
  /** The group's accessible name. */
  label: string;
  options: readonly T[];
  value: readonly T[];
  onChange: (value: T[]) => void;
  /** Prefix of each chip's data-testid, followed by its value. */
  testid: string;
}

export function ToggleChips<T extends string>({ label, options, value, onChange, testid }: ToggleChipsProps<T>) {
  const toggle = (option: T) => onChange(value.includes(option) ? value.filter((v) => v !== option) : [...value, option]);

  return (
    <div class="chips" role="group" aria-label={label}>
      {options.map((option) => (
        <button
          type="button"
          key={option}
          class="chip"
          aria-pressed={value.includes(option)}
          onClick={() => toggle(option)}
          data-testid={`${testid}-${option}`}
        >
          {option}
        </button>
      ))}
    </div>
  );
}
