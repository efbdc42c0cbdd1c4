// GraphQL types shared by several pages (see schema.graphql at the repository root).
export type DateTime = string; // RFC 3339
export type Role = 'ADMIN' | 'OPERATOR' | 'VIEWER';
export type HealthStatus = 'UP' | 'DEGRADED' | 'DOWN';
export type OrderDirection = 'ASC' | 'DESC';

export const ROLES: Role[] = ['ADMIN', 'OPERATOR', 'VIEWER'];

export interface User {
  id: string;
  username: string;
  role: Role;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/** Whether `role` may do what `required` may: ADMIN ⊇ OPERATOR ⊇ VIEWER. */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(required);
}
