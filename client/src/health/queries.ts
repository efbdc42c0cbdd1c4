// The health query: the overall status and each component's, read again every few
// seconds by the Health page and the overview.
import { gql } from '@urql/preact';
import type { DateTime, HealthStatus } from '../api/types';

/** How often health is read again; there is no feed of it. */
export const REFRESH_MS = 5000;

export interface ComponentHealth {
  name: string;
  status: HealthStatus;
  message: string | null;
  checkedAt: DateTime;
  latencyMs: number | null;
}

export const HEALTH = gql<{
  health: { status: HealthStatus; version: string; startedAt: DateTime; components: ComponentHealth[] };
}>`
  query Health {
    health {
      status
      version
      startedAt
      components {
        name
        status
        message
        checkedAt
        latencyMs
      }
    }
  }
`;

