// The graph as JSON text with the problems useGraphCheck found, each at the line of the
// field it names (a click selects that line), marked in the line numbers beside the
// text. Components can be added from the catalog: its entry is the new component's start.
import { useMemo, useRef, useState } from 'preact/hooks';
import { type CatalogComponent, componentFrom, isDnsLabel } from './graphCheck';
import type { Place } from './jsonText';
import type { CheckedGraph } from './useGraphCheck';

interface GraphEditorProps {
  text: string;
  onText: (text: string) => void;
  checked: CheckedGraph;
  catalog: CatalogComponent[] | null;
  testid: string;
}

export function GraphEditor({ text, onText, checked, catalog, testid }: GraphEditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = text.split('\n').length;
  const badLines = useMemo(() => new Set(checked.problems.map((problem) => problem.place?.line ?? 1)), [checked.problems]);

  const show = (place: Place | undefined) => {
    const el = area.current;
    if (!el || !place) return;
    const end = text.indexOf('\n', place.offset);
    el.focus();
    el.setSelectionRange(place.offset, end < 0 ? text.length : end);
  };

  return (
    <div class="graph-editor" data-testid={testid}>
      {catalog && catalog.length > 0 && (
        <AddFromCatalog
          catalog={catalog}
          graph={checked.graph}
          onGraph={(graph) => onText(JSON.stringify(graph, null, 2))}
          testid={testid}
        />
      )}
      <div class="graph-text">
        <div class="graph-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, index) => (
            <div key={index} class={badLines.has(index + 1) ? 'bad' : undefined}>
              {index + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          class="mono"
          rows={Math.min(Math.max(lineCount + 1, 12), 30)}
          spellcheck={false}
          value={text}
          onInput={(e) => onText(e.currentTarget.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          aria-invalid={checked.problems.length > 0}
          data-testid={`${testid}-text`}
        />
      </div>
      {checked.problems.length === 0 ? (
        <p class="ok-note" data-testid={`${testid}-valid`}>
          A valid graph.
        </p>
      ) : (
        <ul class="graph-problems" role="alert">
          {checked.problems.map((problem, index) => (
            <li
              key={index}
              data-testid={problem.fromServer ? `${testid}-server-problem` : `${testid}-problem`}
              data-path={problem.path.join('.')}
              data-line={problem.place?.line}
            >
              <button type="button" class="link" onClick={() => show(problem.place)}>
                {problem.place ? `line ${problem.place.line}` : 'the graph'}
              </button>
              {problem.path.length > 0 && <code>{problem.path.join(' › ')}:</code>}
              {problem.fromServer && <span class="muted">(server)</span>}
              <span>{problem.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

interface AddFromCatalogProps {
  catalog: CatalogComponent[];
  /** The graph as it stands; adding needs JSON with a `components` object. */
  graph: unknown;
  onGraph: (graph: unknown) => void;
  testid: string;
}

/** Picks a catalog entry and a name, and adds the component to the graph. */
function AddFromCatalog({ catalog, graph, onGraph, testid }: AddFromCatalogProps) {
  const [type, setType] = useState(catalog[0].type);
  const [name, setName] = useState('');
  const components = typeof graph === 'object' && graph !== null ? (graph as Record<string, unknown>).components : undefined;
  const canAdd = typeof components === 'object' && components !== null && !Array.isArray(components);
  const taken = canAdd && Object.hasOwn(components, name);
  const entry = catalog.find((item) => item.type === type);
  const problem = !canAdd
    ? 'fix the graph to add components'
    : name && !isDnsLabel(name)
      ? 'a name is a DNS-1123 label'
      : taken
        ? `\`${name}\` is taken`
        : null;

  const add = () => {
    if (!entry || !canAdd || !name || problem) return;
    onGraph({ ...(graph as object), components: { ...components, [name]: componentFrom(entry) } });
    setName('');
  };

  return (
    <div class="row" data-testid={`${testid}-catalog`}>
      <label class="inline">
        Add
        <select value={type} onChange={(e) => setType(e.currentTarget.value)} data-testid={`${testid}-catalog-type`}>
          {catalog.map((item) => (
            <option key={item.type} value={item.type}>
              {item.title} ({item.type})
            </option>
          ))}
        </select>
      </label>
      <label class="inline">
        as
        <input value={name} placeholder="component name" onInput={(e) => setName(e.currentTarget.value)} data-testid={`${testid}-catalog-name`} />
      </label>
      <button type="button" disabled={!name || !!problem} onClick={add} data-testid={`${testid}-catalog-add`}>
        Add component
      </button>
      {name && problem && <span class="field-error">{problem}</span>}
    </div>
  );
}
