// Reads the machine-readable parts of GraphQL errors: extensions.code and extensions.field.
import type { CombinedError } from '@urql/core';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'RATE_LIMITED'
  | 'LAGGED';

export function hasCode(error: CombinedError | undefined, code: ErrorCode): boolean {
  return !!error?.graphQLErrors.some((e) => e.extensions?.code === code);
}

/** A message for people: the server's messages, or what went wrong on the way. */
export function messageOf(error: CombinedError): string {
  if (error.graphQLErrors.length > 0) return error.graphQLErrors.map((e) => e.message).join('; ');
  return `Cannot reach the server${error.networkError?.message ? `: ${error.networkError.message}` : ''}`;
}

/** Errors split into those about one input field and the rest. */
export interface FormErrors {
  fields: Record<string, string>;
  general: string | null;
}

const NO_ERRORS: FormErrors = { fields: {}, general: null };

export function formErrors(error: CombinedError | undefined): FormErrors {
  return collect(error, fieldOf);
}

/**
 * Like formErrors, for forms of nested inputs: each error is keyed by its whole path
 * inside `input`, so `["input", "deploy", "ports", "1"]` is `deploy.ports.1`.
 */
export function nestedFormErrors(error: CombinedError | undefined): FormErrors {
  return collect(error, pathOf);
}

function collect(error: CombinedError | undefined, keyOf: (path: unknown) => string | undefined): FormErrors {
  if (!error) return NO_ERRORS;
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const e of error.graphQLErrors) {
    const field = keyOf(e.extensions?.field);
    if (e.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string') fields[field] = e.message;
    else general.push(e.message);
  }
  if (error.graphQLErrors.length === 0) general.push(messageOf(error));
  return { fields, general: general.length > 0 ? general.join('; ') : null };
}

/**
 * The input field an error path is about: `["input", "tags", "1"]` (the second tag) is
 * about `tags`; a path outside `input` is about its last segment.
 */
function fieldOf(path: unknown): string | undefined {
  if (!Array.isArray(path) || path.length === 0) return undefined;
  const segment = path[0] === 'input' && path.length > 1 ? path[1] : path[path.length - 1];
  return typeof segment === 'string' ? segment : undefined;
}

/** `["input", "deploy", "ports", "1"]` as `deploy.ports.1`; a path outside `input` as its last segment. */
function pathOf(path: unknown): string | undefined {
  if (!Array.isArray(path) || path.length === 0 || !path.every((segment) => typeof segment === 'string')) return undefined;
  return path[0] === 'input' && path.length > 1 ? path.slice(1).join('.') : path[path.length - 1];
}
