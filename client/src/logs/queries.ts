// The log viewer's subscription: a container's last lines, then (following) each new one.
import { gql } from '@urql/preact';
import type { LogStream } from '../api/schema.generated';
import type { DateTime } from '../api/types';

export type { LogStream } from '../api/schema.generated';

export interface LogLine {
  stream: LogStream;
  text: string;
  timestamp: DateTime;
}

export const CONTAINER_LOGS = gql<
  { containerLogs: LogLine },
  { serverId: string; containerId: string; tail: number; follow: boolean }
>`
  subscription ContainerLogs($serverId: ID!, $containerId: ID!, $tail: Int, $follow: Boolean) {
    containerLogs(serverId: $serverId, containerId: $containerId, tail: $tail, follow: $follow) {
      stream
      text
      timestamp
    }
  }
`;
