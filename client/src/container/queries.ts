// One container's page: its inspection, its live stats, and its shell sessions.
import { gql } from '@urql/preact';
import type { DateTime } from '../api/types';
import type { ContainerSummary } from '../containers/queries';

export interface EnvironmentVariable {
  name: string;
  value: string;
  secret: boolean;
  masked: boolean;
}

export interface HealthCheck {
  startedAt: DateTime | null;
  endedAt: DateTime | null;
  exitCode: number | null;
  output: string;
}

export interface ContainerDetails extends ContainerSummary {
  failingStreak: number | null;
  healthChecks: HealthCheck[];
  command: string[];
  entrypoint: string[];
  workingDirectory: string | null;
  environment: EnvironmentVariable[];
  ports: { hostIp: string | null; hostPort: number | null; containerPort: number; protocol: string }[];
  mounts: { kind: string; source: string; destination: string; readOnly: boolean }[];
  labels: { key: string; value: string }[];
  networkMode: string | null;
  restartPolicy: string | null;
  restartCount: number;
  createdAt: DateTime | null;
  startedAt: DateTime | null;
  finishedAt: DateTime | null;
  exitCode: number | null;
  error: string | null;
  oomKilled: boolean;
}

export const CONTAINER_DETAILS = gql<{ container: ContainerDetails }, { serverId: string; id: string; reveal: boolean }>`
  query ContainerDetails($serverId: ID!, $id: ID!, $reveal: Boolean!) {
    container(serverId: $serverId, id: $id) {
      id
      serverId
      name
      image
      status
      health
      failingStreak
      healthChecks {
        startedAt
        endedAt
        exitCode
        output
      }
      command
      entrypoint
      workingDirectory
      environment(reveal: $reveal) {
        name
        value
        secret
        masked
      }
      ports {
        hostIp
        hostPort
        containerPort
        protocol
      }
      mounts {
        kind
        source
        destination
        readOnly
      }
      labels {
        key
        value
      }
      networkMode
      restartPolicy
      restartCount
      createdAt
      startedAt
      finishedAt
      exitCode
      error
      oomKilled
    }
  }
`;

export interface StatsSample {
  readAt: DateTime;
  cpuPercent: number | null;
  onlineCpus: number | null;
  memoryUsedBytes: number | null;
  memoryLimitBytes: number | null;
  networkReceivedBytes: number | null;
  networkSentBytes: number | null;
  pids: number | null;
}

export const CONTAINER_STATS = gql<{ containerStats: StatsSample }, { serverId: string; containerId: string }>`
  subscription ContainerStats($serverId: ID!, $containerId: ID!) {
    containerStats(serverId: $serverId, containerId: $containerId) {
      readAt
      cpuPercent
      onlineCpus
      memoryUsedBytes
      memoryLimitBytes
      networkReceivedBytes
      networkSentBytes
      pids
    }
  }
`;

export interface ShellSession {
  id: string;
  cols: number;
  rows: number;
}

export const START_SHELL = gql<
  { startContainerShell: ShellSession },
  { input: { serverId: string; containerId: string; command: string[]; cols: number; rows: number } }
>`
  mutation StartContainerShell($input: StartContainerShellInput!) {
    startContainerShell(input: $input) {
      id
      cols
      rows
    }
  }
`;

export const SHELL_OUTPUT = gql<
  { shellOutput: { data: string; ended: boolean; reason: string | null; exitCode: number | null } },
  { sessionId: string }
>`
  subscription ShellOutput($sessionId: ID!) {
    shellOutput(sessionId: $sessionId) {
      data
      ended
      reason
      exitCode
    }
  }
`;

export const SEND_SHELL_INPUT = gql<{ sendShellInput: { id: string } }, { input: { sessionId: string; data: string } }>`
  mutation SendShellInput($input: SendShellInputInput!) {
    sendShellInput(input: $input) {
      id
    }
  }
`;

export const RESIZE_SHELL = gql<{ resizeShell: ShellSession }, { input: { sessionId: string; cols: number; rows: number } }>`
  mutation ResizeShell($input: ResizeShellInput!) {
    resizeShell(input: $input) {
      id
      cols
      rows
    }
  }
`;

export const CLOSE_SHELL = gql<{ closeShell: { id: string } }, { input: { sessionId: string } }>`
  mutation CloseShell($input: CloseShellInput!) {
    closeShell(input: $input) {
      id
    }
  }
`;
