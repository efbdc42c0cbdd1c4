// GraphQL types shared by several pages; enums and inputs come from schema.graphql at
// the repository root through schema.generated.ts (`npm run codegen`).
import { Role } from './schema.generated';

export type { HealthStatus, OrderDirection } from './schema.generated';
export { Role };
export type DateTime = string; // RFC 3339

/** Strongest first, as the role pickers offer them. */
export const ROLES: Role[] = ['ADMIN', 'OPERATOR', 'VIEWER'];

// Spelled out rather than read from the enum's order, which is the schema's to change.
const RANK: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, ADMIN: 2 };

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
  return RANK[role] >= RANK[required];
}
