// The audit log's GraphQL documents and types: events, their filter and order, the live feed.
import { gql } from '@urql/preact';
import { type AuditEventFilter, AuditEventOrderField, AuditKind } from '../api/schema.generated';
import type { Connection, DateTime, OrderDirection } from '../api/types';

/** Every kind the schema has, in its order: the filter offers them all. */
export const AUDIT_KINDS = Object.values(AuditKind);

export { AuditKind };

export interface AuditEvent {
  id: string;
  occurredAt: DateTime;
  kind: AuditKind;
  actor: { kind: 'USER' | 'SYSTEM' | 'WEBHOOK'; name: string; userId: string | null };
  summary: string;
  subject: { type: string; id: string | null; name: string | null } | null;
  stackId: string | null;
  /** The stack's name when the event was recorded. */
  stackName: string | null;
  serverId: string | null;
  /** The server's name when the event was recorded. */
  serverName: string | null;
  diff: { before: unknown; after: unknown } | null;
}

export type { AuditEventFilter } from '../api/schema.generated';

export type AuditOrderField = AuditEventOrderField;

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
    stackName
    serverId
    serverName
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
