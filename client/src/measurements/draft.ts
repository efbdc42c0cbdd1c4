// A measurement as the builder holds it (everything as typed), the input sent from it, and
// the checks made as it is typed. Errors are keyed by their path in the input, as the
// server's are (`params.ping.packets`, `targets.2`), so both show at the same field.
import type { MeasurementKind } from '../api/schema.generated';
import { parseTags } from '../servers/ServerFields';
import { localInputToIso } from '../ui/Time';
import { PARAMS, intProblem, paramsInput, shownParams } from './params';

export interface MeasurementDraft {
  kind: MeasurementKind;
  /** IP addresses or hostnames, separated by spaces, commas or lines. */
  targets: string;
  /** Each kind's fields as typed; switching kinds keeps what was typed in the other. */
  params: Record<MeasurementKind, Record<string, string>>;
  selection: 'ids' | 'count';
  probeIds: string[];
  count: string;
  tags: string;
  /** Where the counted probes stand: all three blank for anywhere. */
  area: Area;
  repeat: boolean;
  everySeconds: string;
  /** `datetime-local` values. */
  start: string;
  stop: string;
  description: string;
}

export interface Area {
  latitude: string;
  longitude: string;
  radiusKm: string;
}

const MAX_TARGETS = 100;
const MAX_PROBES = 1000;
export const EVERY_SECONDS = { min: 60, max: 86_400 };

/** Choices start at their first option and flags at their default; numbers blank (the default). */
function initialParams(kind: MeasurementKind): Record<string, string> {
  const values: Record<string, string> = {};
  for (const spec of PARAMS[kind]) {
    if (spec.type === 'choice') values[spec.key] = spec.options[0];
    if (spec.type === 'flag') values[spec.key] = String(spec.fallback);
  }
  return values;
}

export const EMPTY_DRAFT: MeasurementDraft = {
  kind: 'PING',
  targets: '',
  params: { PING: initialParams('PING'), TRACEROUTE: initialParams('TRACEROUTE'), DNS: initialParams('DNS'), HTTP: initialParams('HTTP') },
  selection: 'ids',
  probeIds: [],
  count: '1',
  tags: '',
  area: { latitude: '', longitude: '', radiusKm: '' },
  repeat: false,
  everySeconds: '300',
  start: '',
  stop: '',
  description: '',
};

export function parseTargets(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

export interface MeasurementInput {
  kind: MeasurementKind;
  targets: string[];
  probes: { ids: string[] } | { count: number; tags?: string[]; area?: { latitude: number; longitude: number; radiusKm: number } };
  schedule?: { everySeconds: number; start: string | null; stop: string | null };
  params: Record<string, Record<string, unknown>>;
  description: string | null;
}

const areaGiven = ({ latitude, longitude, radiusKm }: Area) => [latitude, longitude, radiusKm].some((v) => v.trim() !== '');

function probesInput(draft: MeasurementDraft): MeasurementInput['probes'] {
  if (draft.selection === 'ids') return { ids: draft.probeIds };
  const tags = parseTags(draft.tags);
  const { latitude, longitude, radiusKm } = draft.area;
  return {
    count: Number(draft.count),
    ...(tags.length > 0 ? { tags } : {}),
    ...(areaGiven(draft.area) ? { area: { latitude: Number(latitude), longitude: Number(longitude), radiusKm: Number(radiusKm) } } : {}),
  };
}

export function inputOf(draft: MeasurementDraft): MeasurementInput {
  return {
    kind: draft.kind,
    targets: parseTargets(draft.targets),
    probes: probesInput(draft),
    ...(draft.repeat
      ? { schedule: { everySeconds: Number(draft.everySeconds), start: localInputToIso(draft.start), stop: localInputToIso(draft.stop) } }
      : {}),
    params: { [draft.kind.toLowerCase()]: paramsInput(draft.kind, draft.params[draft.kind]) },
    description: draft.description.trim() || null,
  };
}

/** What the draft still lacks, by input path: said only once the user tries to submit. */
export function missing(draft: MeasurementDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  // An HTTP measurement without targets asks its URL's host.
  if (parseTargets(draft.targets).length === 0 && draft.kind !== 'HTTP') errors.targets = 'give at least one IP address or hostname';
  if (draft.selection === 'ids' && draft.probeIds.length === 0) errors['probes.ids'] = 'choose at least one probe';
  return errors;
}

/** What is wrong with what the draft holds, by input path, before asking the server. */
export function check(draft: MeasurementDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  const targets = parseTargets(draft.targets);
  if (targets.length > MAX_TARGETS) errors.targets = `at most ${MAX_TARGETS} targets (${targets.length} given)`;

  const prefix = `params.${draft.kind.toLowerCase()}`;
  const values = draft.params[draft.kind];
  for (const spec of shownParams(draft.kind, values)) {
    const problem = spec.type === 'int' ? intProblem(spec, values[spec.key] ?? '') : null;
    if (problem) errors[`${prefix}.${spec.key}`] = problem;
  }

  if (draft.selection === 'count') {
    const problem = draft.count.trim() === '' ? 'how many probes?' : intProblem({ min: 1, max: MAX_PROBES }, draft.count);
    if (problem) errors['probes.count'] = problem;
    if (areaGiven(draft.area)) {
      for (const [key, value] of Object.entries(draft.area)) {
        if (value.trim() === '' || !Number.isFinite(Number(value))) errors[`probes.area.${key}`] = 'a number (or leave all three blank)';
      }
    }
  }

  if (draft.repeat) {
    const problem = draft.everySeconds.trim() === '' ? 'how often?' : intProblem(EVERY_SECONDS, draft.everySeconds);
    if (problem) errors['schedule.everySeconds'] = `${problem} seconds`;
    if (!draft.stop) errors['schedule.stop'] = 'a repeated measurement needs a stop time';
  }
  return errors;
}
