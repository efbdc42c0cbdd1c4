// The Containers page's GraphQL documents and types: lists across servers, the live change
// feed, the actions, and running a new container.
import { gql } from '@urql/preact';
import { stringifyDocument } from '@urql/core';
import { ContainerHealth, type ContainerFilter, ContainerStatus, type Mutation } from '../api/schema.generated';
import type { DateTime } from '../api/types';

// REMOVED only appears in events, so it is not offered as a filter.
export const CONTAINER_STATUSES = Object.values(ContainerStatus).filter((status) => status !== 'REMOVED');

export { ContainerHealth, ContainerStatus };

/** The parts of ContainerDetails this client shows; a listed Container has them too. */
export interface ContainerSummary {
  id: string;
  serverId: string;
  name: string;
  image: string;
  status: ContainerStatus;
  health: ContainerHealth;
}

export interface Container extends ContainerSummary {
  statusText: string;
  command: string | null;
  createdAt: DateTime | null;
  ports: { hostIp: string | null; hostPort: number | null; containerPort: number; protocol: string }[];
  labels: { key: string; value: string }[];
}

export type { ContainerFilter } from '../api/schema.generated';

export const CONTAINERS = gql<{ containers: Container[] }, { serverId: string | null; filter: ContainerFilter }>`
  query Containers($serverId: ID, $filter: ContainerFilter) {
    containers(serverId: $serverId, filter: $filter) {
      id
      serverId
      name
      image
      status
      health
      statusText
      command
      createdAt
      ports {
        hostIp
        hostPort
        containerPort
        protocol
      }
      labels {
        key
        value
      }
    }
  }
`;

/** Only that something changed matters here: the list is read again after it. */
export const CONTAINER_EVENTS = gql<{ containerEvents: { containerId: string; action: string } }, { serverId: string }>`
  subscription ContainerEvents($serverId: ID!) {
    containerEvents(serverId: $serverId) {
      containerId
      action
    }
  }
`;

export interface ContainerRef {
  serverId: string;
  id: string;
}

const CONTAINER_SUMMARY = gql`
  fragment ContainerSummary on ContainerDetails {
    id
    serverId
    name
    image
    status
    health
  }
`;

export const CONTAINER = gql<{ container: ContainerSummary }, { serverId: string; id: string }>`
  query Container($serverId: ID!, $id: ID!) {
    container(serverId: $serverId, id: $id) {
      ...ContainerSummary
    }
  }
  ${CONTAINER_SUMMARY}
`;

// Start, stop and restart differ only in their field: each takes one container and
// answers with its state afterwards. Built from a string, which codegen does not read,
// so the field is checked against the schema's Mutation type instead.
function containerAction<Field extends keyof Mutation & string>(field: Field) {
  const name = field[0].toUpperCase() + field.slice(1);
  const source = `
    mutation ${name}($input: ContainerInput!) {
      ${field}(input: $input) {
        ...ContainerSummary
      }
    }
    ${stringifyDocument(CONTAINER_SUMMARY)}
  `;
  return gql<Record<Field, ContainerSummary>, { input: ContainerRef }>(source);
}

export const START_CONTAINER = containerAction('startContainer');
export const STOP_CONTAINER = containerAction('stopContainer');
export const RESTART_CONTAINER = containerAction('restartContainer');

export const REMOVE_CONTAINER = gql<{ removeContainer: string }, { input: ContainerRef }>`
  mutation RemoveContainer($input: ContainerInput!) {
    removeContainer(input: $input)
  }
`;

export interface RunContainerInput {
  serverId: string;
  name: string;
  image: string;
  command?: string[];
  env?: string[];
  ports?: string[];
  volumes?: string[];
  network?: string;
  restartPolicy?: string;
  labels?: { key: string; value: string }[];
}

export const RUN_CONTAINER = gql<{ runContainer: ContainerSummary }, { input: RunContainerInput }>`
  mutation RunContainer($input: RunContainerInput!) {
    runContainer(input: $input) {
      ...ContainerSummary
    }
  }
  ${CONTAINER_SUMMARY}
`;
