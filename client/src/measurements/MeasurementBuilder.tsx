// The measurement builder (OPERATOR): kind, targets, the kind's parameters, probes and
// schedule. Numbers are checked as they are typed; a moment later the server quotes the
// cost and checks the rest (targets, probes), and its errors show at the field they name.
// A created measurement opens its page.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { nestedFormErrors } from '../api/errors';
import type { Probe } from '../probes/queries';
import { navigate } from '../router';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { EMPTY_DRAFT, type MeasurementDraft, check, inputOf, missing } from './draft';
import { measurementPath } from './MeasurementPage';
import { KINDS, shownParams } from './params';
import { ParamFields, errorAt } from './ParamFields';
import { ProbePicker } from './ProbePicker';
import { CREATE_MEASUREMENT, type MeasurementKind } from './queries';
import { QuoteNote } from './QuoteNote';
import { ScheduleFields } from './ScheduleFields';
import { useQuote } from './useQuote';

/** Whether an error at `key` has a field of the form on screen to show at. */
function placed(key: string, draft: MeasurementDraft): boolean {
  const [head, part, field] = key.split('.');
  switch (head) {
    case 'kind':
    case 'targets':
    case 'description':
      return true;
    case 'params':
      return part === draft.kind.toLowerCase() && shownParams(draft.kind, draft.params[draft.kind]).some((spec) => spec.key === field);
    case 'probes':
      return part === undefined || (draft.selection === 'ids' ? part === 'ids' : ['count', 'tags', 'area'].includes(part));
    case 'schedule':
      return draft.repeat;
    default:
      return false;
  }
}

export function MeasurementBuilder({ probes }: { probes: Probe[] }) {
  const [draft, setDraft] = useState(EMPTY_DRAFT);
  const [tried, setTried] = useState(false);
  // What the server said of the draft last sent, while it is unchanged.
  const [sent, setSent] = useState<MeasurementDraft | null>(null);
  const [{ fetching, error: createError }, create] = useMutation(CREATE_MEASUREMENT);

  const own = check(draft);
  const lacking = missing(draft);
  const ready = Object.keys(own).length === 0 && Object.keys(lacking).length === 0;
  const quote = useQuote(ready ? inputOf(draft) : null);
  const server = nestedFormErrors(sent === draft ? createError : quote.error);
  const fields = { ...server.fields, ...(tried ? lacking : {}), ...own };
  const general = [server.general, ...Object.entries(fields).filter(([key]) => !placed(key, draft)).map(([, message]) => message)]
    .filter(Boolean)
    .join('; ');

  const submit = async (event: Event) => {
    event.preventDefault();
    setTried(true);
    if (!ready) return;
    setSent(draft);
    const result = await create({ input: inputOf(draft) });
    if (result.data) navigate(measurementPath(result.data.createMeasurement.id));
  };

  return (
    <form class="card stack measurement-builder" onSubmit={submit} data-testid="measurement-builder">
      <h2>New measurement</h2>
      <div class="form-row">
        <Field label="Kind" error={fields.kind} testid="measurement-kind">
          <select
            value={draft.kind}
            onChange={(e) => setDraft({ ...draft, kind: e.currentTarget.value as MeasurementKind })}
            data-testid="measurement-kind"
          >
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Targets: IP addresses or hostnames (up to 100)" error={errorAt(fields, 'targets')} testid="measurement-targets" wide>
          <textarea
            rows={2}
            value={draft.targets}
            placeholder={draft.kind === 'HTTP' ? 'blank: the URL’s host' : '192.0.2.1 example.com'}
            onInput={(e) => setDraft({ ...draft, targets: e.currentTarget.value })}
            data-testid="measurement-targets"
          />
        </Field>
        <Field label="Description (optional)" error={fields.description} testid="measurement-description" wide>
          <input
            value={draft.description}
            onInput={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
            data-testid="measurement-description"
          />
        </Field>
      </div>
      <ParamFields
        kind={draft.kind}
        values={draft.params[draft.kind]}
        onChange={(values) => setDraft({ ...draft, params: { ...draft.params, [draft.kind]: values } })}
        errors={fields}
      />
      <ProbePicker draft={draft} onChange={setDraft} probes={probes} errors={fields} />
      <ScheduleFields draft={draft} onChange={setDraft} errors={fields} />
      <QuoteNote quote={quote.quote} pending={quote.pending} />
      <div class="row">
        <button type="submit" class="primary" disabled={fetching} data-testid="measurement-submit">
          {fetching ? 'Starting…' : 'Start measurement'}
        </button>
        <button type="button" onClick={() => { setDraft(EMPTY_DRAFT); setTried(false); }} data-testid="measurement-reset">
          Clear
        </button>
      </div>
      <ErrorNote message={general || null} testid="measurement-error" />
    </form>
  );
}
