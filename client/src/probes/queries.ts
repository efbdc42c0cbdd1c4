// GraphQL documents of the Probes page: the list, each probe's changes as they happen,
// and register, revoke, delete (OPERATOR).
import { gql } from '@urql/preact';
import type { Connection, DateTime, User } from '../api/types';

export interface Probe {
  id: string;
  name: string;
  location: { latitude: number; longitude: number };
  tags: string[];
  createdAt: DateTime;
  revokedAt: DateTime | null;
  softwareVersion: string | null;
  clockOffsetMs: number | null;
  resultsDelivered: number;
  owner: Pick<User, 'id' | 'username'> | null;
  connected: boolean;
  capacity: number | null;
  inUse: number;
  lastSeenAt: DateTime | null;
  connectedSince: DateTime | null;
}

// The server pages at most 100 items; more probes than that show a note.
export const LIST_SIZE = 100;

const PROBE_FIELDS = gql`
  fragment ProbeFields on Probe {
    id
    name
    location {
      latitude
      longitude
    }
    tags
    createdAt
    revokedAt
    softwareVersion
    clockOffsetMs
    resultsDelivered
    owner {
      id
      username
    }
    connected
    capacity
    inUse
    lastSeenAt
    connectedSince
  }
`;

export const PROBES = gql<{ probes: Connection<Probe> }, { first: number }>`
  query Probes($first: Int) {
    probes(first: $first) {
      nodes {
        ...ProbeFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${PROBE_FIELDS}
`;

export const PROBE_UPDATED = gql<{ probeUpdated: { probeId: string; probe: Probe | null } }, Record<string, never>>`
  subscription ProbeUpdated {
    probeUpdated {
      probeId
      probe {
        ...ProbeFields
      }
    }
  }
  ${PROBE_FIELDS}
`;

export interface RegisterProbeInput {
  name: string;
  location: { latitude: number; longitude: number };
  tags: string[];
}

export const REGISTER_PROBE = gql<{ registerProbe: { token: string; probe: Probe } }, { input: RegisterProbeInput }>`
  mutation RegisterProbe($input: RegisterProbeInput!) {
    registerProbe(input: $input) {
      token
      probe {
        ...ProbeFields
      }
    }
  }
  ${PROBE_FIELDS}
`;

export const REVOKE_PROBE = gql<{ revokeProbe: Probe }, { input: { id: string } }>`
  mutation RevokeProbe($input: RevokeProbeInput!) {
    revokeProbe(input: $input) {
      ...ProbeFields
    }
  }
  ${PROBE_FIELDS}
`;

export const DELETE_PROBE = gql<{ deleteProbe: { id: string } }, { input: { id: string } }>`
  mutation DeleteProbe($input: DeleteProbeInput!) {
    deleteProbe(input: $input) {
      id
    }
  }
`;
