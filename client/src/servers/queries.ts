// GraphQL documents of the Servers page: the list with live state, the short list other
// pages pick a server from, and create, update, delete (ADMIN).
import { gql } from '@urql/preact';
import type { Reachability } from '../api/schema.generated';
import type { Connection, DateTime } from '../api/types';

export type { Reachability } from '../api/schema.generated';

export interface ServerState {
  reachability: Reachability;
  dockerVersion: string | null;
  dockerApiVersion: string | null;
  operatingSystem: string | null;
  containers: { total: number; running: number; paused: number; stopped: number };
  host: { cpus: number; cpuPercent: number | null; memoryTotalBytes: number; memoryAvailableBytes: number | null } | null;
  lastContactAt: DateTime | null;
  lastError: string | null;
  checkedAt: DateTime | null;
}

export interface Server {
  id: string;
  name: string;
  endpoint: string;
  hasAgentToken: boolean;
  rootDirectory: string | null;
  tags: string[];
  createdAt: DateTime;
  updatedAt: DateTime;
  state: ServerState;
}

/** What a server picker needs. */
export interface ServerChoice {
  id: string;
  name: string;
}

// The server pages at most 100 items; a fleet of more servers than that is not expected yet.
export const LIST_SIZE = 100;

// An empty list names no type, so tell the cache which mutations make it stale.
export const SERVERS_CONTEXT = { additionalTypenames: ['Server'] };

const SERVER_FIELDS = gql`
  fragment ServerFields on Server {
    id
    name
    endpoint
    hasAgentToken
    rootDirectory
    tags
    createdAt
    updatedAt
    state {
      reachability
      dockerVersion
      dockerApiVersion
      operatingSystem
      containers {
        total
        running
        paused
        stopped
      }
      host {
        cpus
        cpuPercent
        memoryTotalBytes
        memoryAvailableBytes
      }
      lastContactAt
      lastError
      checkedAt
    }
  }
`;

export const SERVERS = gql<{ servers: Connection<Server> }, { first: number }>`
  query Servers($first: Int) {
    servers(first: $first) {
      nodes {
        ...ServerFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${SERVER_FIELDS}
`;

export const SERVER_CHOICES = gql<{ servers: Connection<ServerChoice> }, { first: number }>`
  query ServerChoices($first: Int) {
    servers(first: $first) {
      nodes {
        id
        name
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface CreateServerInput {
  name: string;
  endpoint: string;
  agentToken?: string;
  rootDirectory?: string;
  tags: string[];
}

export const CREATE_SERVER = gql<{ createServer: Server }, { input: CreateServerInput }>`
  mutation CreateServer($input: CreateServerInput!) {
    createServer(input: $input) {
      ...ServerFields
    }
  }
  ${SERVER_FIELDS}
`;

/** Absent fields stay as they are; `null` clears an optional one. */
export interface UpdateServerInput {
  id: string;
  name?: string;
  endpoint?: string;
  agentToken?: string | null;
  rootDirectory?: string | null;
  tags?: string[];
}

export const UPDATE_SERVER = gql<{ updateServer: Server }, { input: UpdateServerInput }>`
  mutation UpdateServer($input: UpdateServerInput!) {
    updateServer(input: $input) {
      ...ServerFields
    }
  }
  ${SERVER_FIELDS}
`;

export const DELETE_SERVER = gql<{ deleteServer: { id: string } }, { input: { id: string } }>`
  mutation DeleteServer($input: DeleteServerInput!) {
    deleteServer(input: $input) {
      id
    }
  }
`;
