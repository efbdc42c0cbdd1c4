// GraphQL documents and types of operations: the history (a connection) and its changes,
// one operation, running a command, cancelling, and the output stream.
import { gql } from '@urql/preact';
import { type OperationFilter, OperationStatus } from '../api/schema.generated';
import type { Connection, DateTime, OrderDirection } from '../api/types';

export const OPERATION_STATUSES = Object.values(OperationStatus);

export { OperationStatus };

export interface Operation {
  id: string;
  kind: string;
  status: OperationStatus;
  trigger: string;
  /** The server it runs on; null for work that runs on none. */
  serverId: string | null;
  /** The stack it works for, if any. */
  stackId: string | null;
  /** The pipeline run this operation is a step of. */
  parentId: string | null;
  target: string;
  workingDirectory: string | null;
  actor: { kind: string; name: string };
  createdAt: DateTime;
  startedAt: DateTime | null;
  finishedAt: DateTime | null;
  exitCode: number | null;
  error: string | null;
  outputLines: number;
}

export function isFinished(status: OperationStatus): boolean {
  return status !== 'QUEUED' && status !== 'RUNNING';
}

export type { OperationFilter } from '../api/schema.generated';

export interface OperationOrder {
  field: 'CREATED_AT';
  direction: OrderDirection;
}

const OPERATION_FIELDS = gql`
  fragment OperationFields on Operation {
    id
    kind
    status
    trigger
    serverId
    stackId
    parentId
    target
    workingDirectory
    actor {
      kind
      name
    }
    createdAt
    startedAt
    finishedAt
    exitCode
    error
    outputLines
  }
`;

export const OPERATION = gql<{ operation: Operation | null }, { id: string }>`
  query Operation($id: ID!) {
    operation(id: $id) {
      ...OperationFields
    }
  }
  ${OPERATION_FIELDS}
`;

export const OPERATIONS = gql<
  { operations: Connection<Operation> },
  { first: number; after: string | null; filter: OperationFilter; orderBy: OperationOrder }
>`
  query Operations($first: Int, $after: String, $filter: OperationFilter, $orderBy: OperationOrder) {
    operations(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      nodes {
        ...OperationFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${OPERATION_FIELDS}
`;

export const OPERATION_UPDATED = gql<{ operationUpdated: Operation }, { filter: OperationFilter }>`
  subscription OperationUpdated($filter: OperationFilter) {
    operationUpdated(filter: $filter) {
      ...OperationFields
    }
  }
  ${OPERATION_FIELDS}
`;

export interface RunCommandInput {
  serverId: string;
  command: string;
  workingDirectory?: string;
}

export const RUN_COMMAND = gql<{ runCommand: Operation }, { input: RunCommandInput }>`
  mutation RunCommand($input: RunCommandInput!) {
    runCommand(input: $input) {
      ...OperationFields
    }
  }
  ${OPERATION_FIELDS}
`;

export const CANCEL_OPERATION = gql<{ cancelOperation: Operation }, { input: { id: string } }>`
  mutation CancelOperation($input: CancelOperationInput!) {
    cancelOperation(input: $input) {
      ...OperationFields
    }
  }
  ${OPERATION_FIELDS}
`;

export interface OutputLine {
  seq: number;
  stream: 'STDOUT' | 'STDERR' | 'MONITOR';
  text: string;
  timestamp: DateTime;
}

export const OPERATION_OUTPUT = gql<{ operationOutput: OutputLine[] }, { operationId: string }>`
  subscription OperationOutput($operationId: ID!) {
    operationOutput(operationId: $operationId) {
      seq
      stream
      text
      timestamp
    }
  }
`;
