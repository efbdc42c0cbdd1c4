// The audit log's GraphQL documents and types: events, their filter and order, the live feed.
import { gql } from '@urql/preact';
import type { Connection, DateTime, OrderDirection } from '../api/types';

// Kept in schema order; new kinds are added here as the server grows them.
export const AUDIT_KINDS = [
  'LOGIN_SUCCEEDED',
  'LOGIN_FAILED',
  'USER_CREATED',
  'USER_UPDATED',
  'USER_DELETED',
  'API_TOKEN_CREATED',
  'API_TOKEN_REVOKED',
  'BACKUP_DOWNLOADED',
  'SERVER_CREATED',
  'SERVER_UPDATED',
  'SERVER_DELETED',
  'CONTAINER_CREATED',
  'CONTAINER_STARTED',
  'CONTAINER_STOPPED',
  'CONTAINER_RESTARTED',
  'CONTAINER_REMOVED',
  'COMMAND_STARTED',
  'OPERATION_CANCELLED',
] as const;

export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditEvent {
  id: string;
  occurredAt: DateTime;
  kind: AuditKind;
  actor: { kind: 'USER' | 'SYSTEM' | 'WEBHOOK'; name: string; userId: string | null };
  summary: string;
  subject: { type: string; id: string | null; name: string | null } | null;
  stackId: string | null;
  serverId: string | null;
  appId: string | null;
  diff: { before: unknown; after: unknown } | null;
}

export interface AuditEventFilter {
  kinds?: AuditKind[];
  actor?: string;
  stackId?: string;
  serverId?: string;
  appId?: string;
  occurredAfter?: DateTime;
  occurredBefore?: DateTime;
}

export type AuditOrderField = 'OCCURRED_AT' | 'KIND' | 'STACK' | 'SERVER';

export interface AuditEventOrder {
  field: AuditOrderField;
  direction: OrderDirection;
}

const AUDIT_EVENT_FIELDS = gql`
  fragment AuditEventFields on AuditEvent {
    id
    occurredAt
    kind
    actor {
      kind
      name
      userId
    }
    summary
    subject {
      type
      id
      name
    }
    stackId
    serverId
    appId
    diff {
      before
      after
    }
  }
`;

export const AUDIT_EVENTS = gql<
  { auditEvents: Connection<AuditEvent> },
  { first: number; after: string | null; filter: AuditEventFilter; orderBy: AuditEventOrder }
>`
  query AuditEvents($first: Int, $after: String, $filter: AuditEventFilter, $orderBy: AuditEventOrder) {
    auditEvents(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      nodes {
        ...AuditEventFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${AUDIT_EVENT_FIELDS}
`;

export const AUDIT_EVENT_ADDED = gql<{ auditEventAdded: AuditEvent }, { filter: AuditEventFilter }>`
  subscription AuditEventAdded($filter: AuditEventFilter) {
    auditEventAdded(filter: $filter) {
      ...AuditEventFields
    }
  }
  ${AUDIT_EVENT_FIELDS}
`;
