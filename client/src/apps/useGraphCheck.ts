// Checks a graph's text as the user types (useGraphCheck): a syntax error at its
// character, then every rule of the server and of the catalog (graphCheck.ts), each
// placed at the line of the field it names. The errors the server sent for the last save
// are placed the same way, and stay while the text is the one that was sent.
import type { CombinedError } from '@urql/core';
import { useMemo, useState } from 'preact/hooks';
import { messageOf } from '../api/errors';
import { useCatalog } from '../catalog/useCatalog';
import { type CatalogComponent, type GraphProblem, checkGraph } from './graphCheck';
import { type Place, parseJson, placeOfPointer, pointerOf } from './jsonText';

export interface EditorProblem {
  path: string[];
  message: string;
  place: Place | undefined;
  /** Sent by the server for the last save, rather than found here. */
  fromServer: boolean;
}

export interface CheckedGraph {
  /** The graph, when the text is JSON. */
  graph: unknown;
  problems: EditorProblem[];
}

/** The text read and checked; `serverProblems` are placed in it too. */
export function checkGraphText(text: string, catalog: CatalogComponent[] | null, serverProblems: GraphProblem[]): CheckedGraph {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    return { graph: undefined, problems: [{ path: [], message: `not JSON: ${parsed.message}`, place: parsed.place, fromServer: false }] };
  }
  const place = (problem: GraphProblem, fromServer: boolean): EditorProblem => ({
    ...problem,
    place: placeOfPointer(parsed.places, pointerOf(problem.path)),
    fromServer,
  });
  const problems = [
    ...serverProblems.map((problem) => place(problem, true)),
    ...checkGraph(parsed.value, catalog).map((problem) => place(problem, false)),
  ];
  return { graph: parsed.value, problems };
}

/**
 * A failed save's errors: those about the graph (`extensions.field` under `["input",
 * "graph"]`) as paths inside it, those about another input field by its name, the rest
 * as one message.
 */
export function graphErrors(error: CombinedError | undefined): {
  problems: GraphProblem[];
  fields: Record<string, string>;
  general: string | null;
} {
  const problems: GraphProblem[] = [];
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const e of error?.graphQLErrors ?? []) {
    const field = e.extensions?.field;
    const inInput = Array.isArray(field) && field[0] === 'input' && field.length > 1;
    if (inInput && field[1] === 'graph') problems.push({ path: field.slice(2).map(String), message: e.message });
    else if (inInput && e.extensions?.code === 'BAD_USER_INPUT') fields[String(field[1])] = e.message;
    else general.push(e.message);
  }
  if (error && error.graphQLErrors.length === 0) general.push(messageOf(error));
  return { problems, fields, general: general.length > 0 ? general.join('; ') : null };
}

/**
 * The check of `text`, with the errors of `error` (the last save's) while the text is
 * the one sent: call `sending(text)` as it is sent.
 */
export function useGraphCheck(text: string, error: CombinedError | undefined) {
  const [sent, setSent] = useState<string | null>(null);
  const catalog = useCatalog();
  const fromServer = useMemo(() => graphErrors(error), [error]);
  const checked = useMemo(
    () => checkGraphText(text, catalog, sent === text ? fromServer.problems : []),
    [text, catalog, sent, fromServer.problems],
  );
  return { checked, catalog, fields: fromServer.fields, general: fromServer.general, sending: setSent };
}
