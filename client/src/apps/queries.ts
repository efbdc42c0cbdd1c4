// GraphQL documents and types of apps on Kubernetes: the list and its live status feed,
// one app with its versions and deployments, the diff of two versions (or of one against
// the cluster), and create, save a version, deploy, undeploy.
import { gql } from '@urql/preact';
import {
  type AppFilter,
  AppPhase,
  type DeploymentAction,
  type DeploymentOutcome,
  type GraphChange,
  type VersionSource,
} from '../api/schema.generated';
import type { Connection, DateTime } from '../api/types';

export type { AppFilter, DeploymentAction, DeploymentOutcome, GraphChange } from '../api/schema.generated';
export { AppPhase };

export const APP_PHASES = Object.values(AppPhase);

export interface AppStatus {
  phase: AppPhase | null;
  reason: string | null;
  messages: string[];
  observedGeneration: number | null;
  generation: number | null;
  seenAt: DateTime;
}

export interface VersionRef {
  number: number;
}

/** An app as the list shows it, and as `appStatusChanged` brings it. */
export interface AppSummary {
  id: string;
  namespace: string;
  name: string;
  description: string;
  active: boolean;
  inCluster: boolean;
  drifted: boolean;
  readonly: boolean;
  versionCount: number;
  lastEditAt: DateTime;
  lastDeployAt: DateTime | null;
  status: AppStatus | null;
  activeVersion: VersionRef | null;
  liveVersion: VersionRef | null;
}

export interface AppVersion {
  id: string;
  number: number;
  hash: string;
  message: string;
  source: VersionSource;
  fieldManager: string | null;
  author: { name: string } | null;
  createdAt: DateTime;
}

export interface Deployment {
  id: string;
  action: DeploymentAction;
  actor: { name: string };
  fromVersion: number | null;
  toVersion: number;
  reason: string;
  outcome: DeploymentOutcome;
  message: string | null;
  startedAt: DateTime;
  finishedAt: DateTime | null;
  operation: { id: string } | null;
}

export interface App extends AppSummary {
  labels: { key: string; value: string }[];
  autoRevert: boolean;
  endpoints: { component: string; paths: string[] }[];
  versions: Connection<AppVersion>;
  deployments: Connection<Deployment>;
}

export interface AppDashboard {
  url: string;
  upToDate: boolean;
  pendingReason: string | null;
  panels: { title: string; url: string }[];
}

export interface GraphPathChange {
  path: string;
  change: GraphChange;
  old: unknown;
  new: unknown;
}

export interface GraphEntryDiff {
  name: string;
  change: GraphChange;
  paths: GraphPathChange[];
}

export interface AppGraphDiff {
  fromVersion: number;
  toVersion: number | null;
  identical: boolean;
  components: GraphEntryDiff[];
  flows: GraphEntryDiff[];
}

// The server pages at most 100 items.
export const LIST_SIZE = 100;

// An empty list names no type, so tell the cache which mutations make it stale.
export const APPS_CONTEXT = { additionalTypenames: ['App'] };

const SUMMARY_FIELDS = gql`
  fragment AppSummaryFields on App {
    id
    namespace
    name
    description
    active
    inCluster
    drifted
    readonly
    versionCount
    lastEditAt
    lastDeployAt
    status {
      phase
      reason
      messages
      observedGeneration
      generation
      seenAt
    }
    activeVersion {
      number
    }
    liveVersion {
      number
    }
  }
`;

export const APPS = gql<{ apps: Connection<AppSummary> }, { first: number; filter: AppFilter }>`
  query Apps($first: Int!, $filter: AppFilter) {
    apps(first: $first, filter: $filter) {
      nodes {
        ...AppSummaryFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${SUMMARY_FIELDS}
`;

export const APP_STATUS_CHANGED = gql<{ appStatusChanged: AppSummary }, { appId: string | null }>`
  subscription AppStatusChanged($appId: ID) {
    appStatusChanged(appId: $appId) {
      ...AppSummaryFields
    }
  }
  ${SUMMARY_FIELDS}
`;

export const APP = gql<{ app: App | null }, { id: string }>`
  query App($id: ID!) {
    app(id: $id) {
      ...AppSummaryFields
      labels {
        key
        value
      }
      autoRevert
      endpoints {
        component
        paths
      }
      versions(first: 100) {
        nodes {
          id
          number
          hash
          message
          source
          fieldManager
          author {
            name
          }
          createdAt
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
      deployments(first: 100) {
        nodes {
          id
          action
          actor {
            name
          }
          fromVersion
          toVersion
          reason
          outcome
          message
          startedAt
          finishedAt
          operation {
            id
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${SUMMARY_FIELDS}
`;

/** Asked for on its own: Grafana missing or behind answers UNAVAILABLE for this field only. */
export const APP_DASHBOARD = gql<{ app: { id: string; dashboard: AppDashboard | null } | null }, { id: string }>`
  query AppDashboard($id: ID!) {
    app(id: $id) {
      id
      dashboard {
        url
        upToDate
        pendingReason
        panels {
          title
          url
        }
      }
    }
  }
`;

export const APP_VERSION_GRAPH = gql<{ appVersion: { id: string; graph: unknown } | null }, { appId: string; version: number }>`
  query AppVersionGraph($appId: ID!, $version: Int!) {
    appVersion(appId: $appId, version: $version) {
      id
      graph
    }
  }
`;

const DIFF_FIELDS = gql`
  fragment AppGraphDiffFields on AppGraphDiff {
    fromVersion
    toVersion
    identical
    components {
      name
      change
      paths {
        path
        change
        old
        new
      }
    }
    flows {
      name
      change
      paths {
        path
        change
        old
        new
      }
    }
  }
`;

export const APP_VERSION_DIFF = gql<{ appVersionDiff: AppGraphDiff }, { appId: string; from: number; to: number }>`
  query AppVersionDiff($appId: ID!, $from: Int!, $to: Int!) {
    appVersionDiff(appId: $appId, from: $from, to: $to) {
      ...AppGraphDiffFields
    }
  }
  ${DIFF_FIELDS}
`;

export const APP_LIVE_DIFF = gql<{ appLiveDiff: AppGraphDiff }, { appId: string; from: number }>`
  query AppLiveDiff($appId: ID!, $from: Int!) {
    appLiveDiff(appId: $appId, from: $from) {
      ...AppGraphDiffFields
    }
  }
  ${DIFF_FIELDS}
`;

export interface CreateAppInput {
  namespace: string;
  name: string;
  description: string;
  graph: unknown;
  message: string | null;
}

export const CREATE_APP = gql<{ createApp: { id: string } }, { input: CreateAppInput }>`
  mutation CreateApp($input: CreateAppInput!) {
    createApp(input: $input) {
      id
    }
  }
`;

export const SAVE_APP_GRAPH = gql<
  { saveAppGraph: { id: string; number: number } },
  { input: { appId: string; graph: unknown; message: string | null } }
>`
  mutation SaveAppGraph($input: SaveAppGraphInput!) {
    saveAppGraph(input: $input) {
      id
      number
    }
  }
`;

export const DEPLOY_APP = gql<{ deployApp: { id: string } }, { input: { appId: string; version: number; reason: string | null } }>`
  mutation DeployApp($input: DeployAppInput!) {
    deployApp(input: $input) {
      id
    }
  }
`;

export const UNDEPLOY_APP = gql<{ undeployApp: { id: string } }, { input: { appId: string; reason: string | null } }>`
  mutation UndeployApp($input: UndeployAppInput!) {
    undeployApp(input: $input) {
      id
    }
  }
`;

export interface UpdateAppInput {
  id: string;
  description: string;
  labels: { key: string; value: string }[];
  autoRevert: boolean;
}

export const UPDATE_APP = gql<{ updateApp: { id: string } }, { input: UpdateAppInput }>`
  mutation UpdateApp($input: UpdateAppInput!) {
    updateApp(input: $input) {
      id
      description
      labels {
        key
        value
      }
      autoRevert
      readonly
    }
  }
`;

export const DELETE_APP = gql<{ deleteApp: { id: string } }, { input: { id: string } }>`
  mutation DeleteApp($input: DeleteAppInput!) {
    deleteApp(input: $input) {
      id
    }
  }
`;
