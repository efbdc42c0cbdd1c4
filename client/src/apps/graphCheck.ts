// What the graph editor checks as the user types, before anything is sent: the rules the
// server applies to a graph (its `apps/validate.rs`: an object of components and flows,
// each component with a chart, flows and needs that exist, DNS-1123 names), and the
// catalog's: a component whose `type` the catalog does not know, or that leaves out a
// field its catalog entry sets. Each problem names its field as a path from the graph.

export interface GraphProblem {
  path: string[];
  message: string;
}

/** A catalog entry as the editor uses it: its type and the component it starts from. */
export interface CatalogComponent {
  title: string;
  type: string;
  config: unknown;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** As Kubernetes names namespaces and services: 1 to 63 of a-z, 0-9 and `-`, alphanumeric at both ends. */
export function isDnsLabel(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name);
}

function nameProblem(name: string, what: string, path: string[]): GraphProblem[] {
  if (isDnsLabel(name)) return [];
  return [{ path, message: `${what} name \`${name}\` is not a DNS-1123 label: 1 to 63 lowercase letters, digits and \`-\`, starting and ending with a letter or digit` }];
}

/** Every problem of `graph`, in the order of the text; none when it may be saved. */
export function checkGraph(graph: unknown, catalog: CatalogComponent[] | null): GraphProblem[] {
  if (!isObject(graph)) return [{ path: [], message: 'a graph is an object with `components` and `flows`' }];
  const problems: GraphProblem[] = [];
  const components = graph.components;
  const flows = graph.flows;
  for (const field of ['components', 'flows'] as const) {
    if (!isObject(graph[field])) problems.push({ path: [field], message: `\`${field}\` is an object keyed by name` });
  }
  if (!isObject(components) || !isObject(flows)) return problems;

  for (const [name, flow] of Object.entries(flows)) {
    const path = ['flows', name];
    problems.push(...nameProblem(name, 'flow', path));
    if (Object.hasOwn(components, name)) {
      problems.push({ path, message: `flow \`${name}\` has the same name as a component; names are shared` });
    }
    if (!isObject(flow)) problems.push({ path, message: 'a flow is an object' });
    else {
      if ('type' in flow && typeof flow.type !== 'string') problems.push({ path: [...path, 'type'], message: '`type` is a string' });
      if ('config' in flow && !isObject(flow.config)) problems.push({ path: [...path, 'config'], message: '`config` is an object' });
    }
  }
  const types = catalog && new Map(catalog.map((entry) => [entry.type, entry]));
  for (const [name, component] of Object.entries(components)) {
    const path = ['components', name];
    problems.push(...nameProblem(name, 'component', path));
    if (!isObject(component)) {
      problems.push({ path, message: 'a component is an object with a `chart`' });
      continue;
    }
    problems.push(...componentProblems(component, path, components, flows));
    if (types) problems.push(...catalogProblems(component, path, types));
  }
  return problems;
}

function componentProblems(component: Json, path: string[], components: Json, flows: Json): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const chart = component.chart;
  if (!isObject(chart)) {
    problems.push({ path: [...path, 'chart'], message: 'a component needs a `chart` {repo, name, version}' });
  } else {
    for (const field of ['repo', 'name', 'version']) {
      const value = chart[field];
      if (typeof value !== 'string' || value.trim() === '') {
        problems.push({ path: [...path, 'chart', field], message: `the chart's \`${field}\` is a non-empty string` });
      }
    }
  }
  if ('config' in component && !isObject(component.config)) problems.push({ path: [...path, 'config'], message: '`config` is an object' });
  for (const field of ['type', 'namespace']) {
    if (field in component && typeof component[field] !== 'string') problems.push({ path: [...path, field], message: `\`${field}\` is a string` });
  }
  if (typeof component.namespace === 'string') problems.push(...nameProblem(component.namespace, 'namespace', [...path, 'namespace']));
  if ('ingressNeeded' in component && typeof component.ingressNeeded !== 'boolean') {
    problems.push({ path: [...path, 'ingressNeeded'], message: '`ingressNeeded` is true or false' });
  }
  if ('needs' in component) {
    const needs = component.needs;
    if (!Array.isArray(needs)) problems.push({ path: [...path, 'needs'], message: '`needs` is a list of component names' });
    else {
      needs.forEach((needed, index) => {
        const at = [...path, 'needs', String(index)];
        if (typeof needed !== 'string') problems.push({ path: at, message: '`needs` is a list of component names' });
        else if (!Object.hasOwn(components, needed)) problems.push({ path: at, message: `component \`${needed}\` is not defined` });
      });
    }
  }
  for (const side of ['inputs', 'outputs']) {
    if (!(side in component)) continue;
    const edges = component[side];
    const message = `\`${side}\` is an object of edges, each {flow: <flow name>}`;
    if (!isObject(edges)) {
      problems.push({ path: [...path, side], message });
      continue;
    }
    for (const [edge, value] of Object.entries(edges)) {
      const at = [...path, side, edge];
      if (!isObject(value)) problems.push({ path: at, message });
      else if (typeof value.flow !== 'string') problems.push({ path: [...at, 'flow'], message: 'an edge names its flow: {flow: <flow name>}' });
      else if (!Object.hasOwn(flows, value.flow)) {
        problems.push({ path: [...at, 'flow'], message: `flow \`${value.flow}\` is not defined in \`flows\`` });
      }
      if (isObject(value) && 'type' in value && typeof value.type !== 'string') {
        problems.push({ path: [...at, 'type'], message: '`type` is a string' });
      }
    }
  }
  return problems;
}

/**
 * A component of a catalog type must carry what its entry sets: each field of the entry,
 * and each field of the entry's objects one level down (`chart.repo`, `config.replicas`).
 */
function catalogProblems(component: Json, path: string[], types: Map<string, CatalogComponent>): GraphProblem[] {
  const type = component.type;
  if (typeof type !== 'string') return [];
  const entry = types.get(type);
  if (!entry) {
    const known = [...types.keys()].sort().join(', ') || 'none yet';
    return [{ path: [...path, 'type'], message: `unknown component type \`${type}\`: the catalog has ${known}` }];
  }
  if (!isObject(entry.config)) return [];
  const problems: GraphProblem[] = [];
  for (const [field, wanted] of Object.entries(entry.config)) {
    const given = component[field];
    if (given === undefined) {
      problems.push({ path, message: `\`${field}\` is missing: the catalog's ${entry.title} sets it` });
      continue;
    }
    if (!isObject(wanted) || !isObject(given)) continue;
    for (const inner of Object.keys(wanted)) {
      if (given[inner] === undefined) {
        problems.push({ path: [...path, field], message: `\`${field}.${inner}\` is missing: the catalog's ${entry.title} sets it` });
      }
    }
  }
  return problems;
}

/** A new component for `name`, started from a catalog entry. */
export function componentFrom(entry: CatalogComponent): Json {
  return { ...(isObject(entry.config) ? entry.config : {}), type: entry.type };
}
