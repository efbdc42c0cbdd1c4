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
  | 'RATE_LIMITED';

export function hasCode(error: CombinedError | undefined, code: ErrorCode): boolean {
  return !!error?.graphQLErrors.some((e) => e.extensions?.code === code);
}

/** A message for people: the server's messages, or what went wrong on the way. */
export function messageOf(error: CombinedError): string {
  if (error.graphQLErrors.length > 0) return error.graphQLErrors.map((e) => e.message).join('; ');
  return `Cannot reach the server${error.networkError?.message ? `: ${error.networkError.message}` : ''}`;
}

/** Errors split into those about one input field (by its last path segment) and the rest. */
export interface FormErrors {
  fields: Record<string, string>;
  general: string | null;
}

const NO_ERRORS: FormErrors = { fields: {}, general: null };

export function formErrors(error: CombinedError | undefined): FormErrors {
  if (!error) return NO_ERRORS;
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const e of error.graphQLErrors) {
    const path = e.extensions?.field;
    const field = Array.isArray(path) ? path[path.length - 1] : undefined;
    if (e.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string') fields[field] = e.message;
    else general.push(e.message);
  }
  if (error.graphQLErrors.length === 0) general.push(messageOf(error));
  return { fields, general: general.length > 0 ? general.join('; ') : null };
}
