// Generated from ../schema.graphql by `npm run codegen`: do not edit.
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * Implement the DateTime<Utc> scalar
   *
   * The input/output is a string in RFC3339 format.
   */
  DateTime: { input: string; output: string; }
  /** A scalar that can represent any JSON value. */
  JSON: { input: unknown; output: unknown; }
};

/** Who acted: a person (through a session or API token), monitor itself, or a webhook. */
export const ActorKind = {
  User: 'USER',
  System: 'SYSTEM',
  Webhook: 'WEBHOOK'
} as const;

export type ActorKind = typeof ActorKind[keyof typeof ActorKind];
/** An API token as its owner sees it: everything but the secret. */
export type ApiToken = {
  __typename?: 'ApiToken';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  owner: User;
};

export type ApiTokenConnection = {
  __typename?: 'ApiTokenConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<ApiTokenEdge>;
  /** A list of nodes. */
  nodes: Array<ApiToken>;
};

/** An edge in a connection. */
export type ApiTokenEdge = {
  __typename?: 'ApiTokenEdge';
  /** The item at the end of the edge */
  node: ApiToken;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** An app on Kubernetes: a graph with a version history, deployed as one resource. */
export type App = {
  __typename?: 'App';
  id: Scalars['ID']['output'];
  /** The namespace of the app's resource. */
  namespace: Scalars['String']['output'];
  /** The name of the app's resource. */
  name: Scalars['String']['output'];
  description: Scalars['String']['output'];
  labels: Array<AppLabel>;
  /** A deploy that ends Failed rolls back to the last version that reached Deployed. */
  autoRevert: Scalars['Boolean']['output'];
  /** Whether the resource exists and asks the controller to deploy it. */
  active: Scalars['Boolean']['output'];
  /** Whether the resource exists in the cluster (as monitor last saw it). */
  inCluster: Scalars['Boolean']['output'];
  versionCount: Scalars['Int']['output'];
  /** The controller's view, as monitor last saw it; `null` before the first. */
  status?: Maybe<AppStatus>;
  createdAt: Scalars['DateTime']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** When a version was last saved (by a user or found in the cluster). */
  lastEditAt: Scalars['DateTime']['output'];
  /** When a deploy, revert or undeploy last started. */
  lastDeployAt?: Maybe<Scalars['DateTime']['output']>;
  /** Whether the graph may be changed through monitor (no read-only label). */
  readonly: Scalars['Boolean']['output'];
  /** The version monitor last deployed, reverted to or undeployed. */
  activeVersion?: Maybe<AppVersion>;
  /**
   * The stored version the cluster's resource holds now; `null` when the app has no
   * resource.
   */
  liveVersion?: Maybe<AppVersion>;
  /** Whether the live resource's graph differs from the version monitor deployed. */
  drifted: Scalars['Boolean']['output'];
  /**
   * The app's Grafana dashboard, once deployed; `UNAVAILABLE` while Grafana is not
   * configured or has not taken it yet (monitor keeps trying).
   */
  dashboard?: Maybe<AppDashboard>;
  /**
   * The flows of the graph live in the cluster (of the newest version while the app
   * has no resource), with their directories and files.
   */
  flows: Array<AppFlow>;
  /** Each component's URL paths, from the controller's `endpointPaths`. */
  endpoints: Array<AppEndpoint>;
  /** The app's versions, newest first. */
  versions: AppVersionConnection;
  /** The app's deploys, reverts and undeploys, newest first. */
  deployments: DeploymentConnection;
};


/** An app on Kubernetes: a graph with a version history, deployed as one resource. */
export type AppVersionsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


/** An app on Kubernetes: a graph with a version history, deployed as one resource. */
export type AppDeploymentsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

export type AppConnection = {
  __typename?: 'AppConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<AppEdge>;
  /** A list of nodes. */
  nodes: Array<App>;
};

/** An app's Grafana dashboard, which monitor creates and keeps up to date. */
export type AppDashboard = {
  __typename?: 'AppDashboard';
  /** The dashboard's uid in Grafana, derived from the app's id. */
  uid: Scalars['String']['output'];
  /** Grafana's version of the dashboard. */
  version: Scalars['Int']['output'];
  /** The dashboard's page in Grafana. */
  url: Scalars['String']['output'];
  panels: Array<DashboardPanel>;
  /** The generation of the app's resource the dashboard was generated for. */
  generation?: Maybe<Scalars['Int']['output']>;
  savedAt: Scalars['DateTime']['output'];
  /**
   * Whether it matches the resource as monitor last saw it; while false, monitor
   * keeps trying, and `pendingReason` says why it has not succeeded.
   */
  upToDate: Scalars['Boolean']['output'];
  pendingReason?: Maybe<Scalars['String']['output']>;
};

/** An edge in a connection. */
export type AppEdge = {
  __typename?: 'AppEdge';
  /** The item at the end of the edge */
  node: App;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** One component's URL paths, from the controller's `endpointPaths`. */
export type AppEndpoint = {
  __typename?: 'AppEndpoint';
  component: Scalars['String']['output'];
  paths: Array<Scalars['String']['output']>;
};

/** Narrows `apps`; every given condition must hold. */
export type AppFilter = {
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Apps whose name contains this text. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
  /** Apps carrying this label with this value. */
  label?: InputMaybe<AppLabelInput>;
  /** Apps whose controller phase, as last seen, is this one. */
  phase?: InputMaybe<AppPhase>;
};

/** One flow of an app's graph: a volume, a stream or a repository its components share. */
export type AppFlow = {
  __typename?: 'AppFlow';
  name: Scalars['String']['output'];
  /** The flow's type as the graph says: `volume`, `repository`, `pulsar`… */
  type?: Maybe<Scalars['String']['output']>;
  config?: Maybe<Scalars['JSON']['output']>;
  /** The components reading from it (an input edge). */
  readBy: Array<Scalars['String']['output']>;
  /** The components writing to it (an output edge). */
  writtenBy: Array<Scalars['String']['output']>;
  /**
   * Whether it holds files to read (volume and repository flows); its flow service
   * serves them while the app is deployed.
   */
  hasFiles: Scalars['Boolean']['output'];
  /**
   * A directory of the flow (its root by default), read from the flow service. For a
   * repository flow, at `revision` (a branch, tag or commit; the repository's HEAD by
   * default).
   */
  directory: AppFlowDirectory;
  /**
   * A file of the flow, up to 1 MiB, read from the flow service; for a repository
   * flow, at `revision` as in `directory`.
   */
  file: AppFlowFile;
};


/** One flow of an app's graph: a volume, a stream or a repository its components share. */
export type AppFlowDirectoryArgs = {
  path?: Scalars['String']['input'];
  revision?: InputMaybe<Scalars['String']['input']>;
};


/** One flow of an app's graph: a volume, a stream or a repository its components share. */
export type AppFlowFileArgs = {
  path: Scalars['String']['input'];
  revision?: InputMaybe<Scalars['String']['input']>;
};

/** A directory of a flow. */
export type AppFlowDirectory = {
  __typename?: 'AppFlowDirectory';
  /** Its path from the flow's root (`""` for the root). */
  path: Scalars['String']['output'];
  entries: Array<AppFlowEntry>;
};

/** One entry of a flow's directory. */
export type AppFlowEntry = {
  __typename?: 'AppFlowEntry';
  name: Scalars['String']['output'];
  /** Its path from the flow's root, to pass to `directory` or `file`. */
  path: Scalars['String']['output'];
  kind: AppFlowEntryKind;
};

/** Whether an entry of a flow's directory is a file or a directory. */
export const AppFlowEntryKind = {
  File: 'FILE',
  Directory: 'DIRECTORY'
} as const;

export type AppFlowEntryKind = typeof AppFlowEntryKind[keyof typeof AppFlowEntryKind];
/** A file of a flow, as its flow service sent it. */
export type AppFlowFile = {
  __typename?: 'AppFlowFile';
  /** Its path from the flow's root. */
  path: Scalars['String']['output'];
  /** Its size in bytes. */
  size: Scalars['Int']['output'];
  /** Its content as text; `null` when it is not UTF-8 (read `base64` then). */
  text?: Maybe<Scalars['String']['output']>;
  /** Its content, base64-encoded. */
  base64: Scalars['String']['output'];
};

/** What changed between two graphs, per component and per flow. */
export type AppGraphDiff = {
  __typename?: 'AppGraphDiff';
  /** The version the diff starts from. */
  fromVersion: Scalars['Int']['output'];
  /** The version it goes to; `null` for what is live in the cluster. */
  toVersion?: Maybe<Scalars['Int']['output']>;
  /** The hash of the graph it goes to. */
  toHash: Scalars['String']['output'];
  identical: Scalars['Boolean']['output'];
  components: Array<GraphEntryDiff>;
  flows: Array<GraphEntryDiff>;
};

/** A label on an app, as Kubernetes labels are: a key and a value. */
export type AppLabel = {
  __typename?: 'AppLabel';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** A label as a key and a value, as Kubernetes labels are. */
export type AppLabelInput = {
  /** An optional DNS prefix and `/`, then 1 to 63 letters, digits, `-`, `_` or `.`. */
  key: Scalars['String']['input'];
  /** Up to 63 letters, digits, `-`, `_` or `.`, starting and ending alphanumeric. */
  value: Scalars['String']['input'];
};

export type AppOrder = {
  field: AppOrderField;
  direction?: InputMaybe<OrderDirection>;
};

export const AppOrderField = {
  /** By namespace, then name. */
  Name: 'NAME',
  CreatedAt: 'CREATED_AT'
} as const;

export type AppOrderField = typeof AppOrderField[keyof typeof AppOrderField];
/** The controller's phase of a graph. */
export const AppPhase = {
  Deploying: 'DEPLOYING',
  Deployed: 'DEPLOYED',
  Undeploying: 'UNDEPLOYING',
  Undeployed: 'UNDEPLOYED',
  Failed: 'FAILED',
  Deleting: 'DELETING'
} as const;

export type AppPhase = typeof AppPhase[keyof typeof AppPhase];
/** The resource's status as the controller wrote it, with the generation it describes. */
export type AppStatus = {
  __typename?: 'AppStatus';
  /** `null` before the controller has seen the resource. */
  phase?: Maybe<AppPhase>;
  reason?: Maybe<Scalars['String']['output']>;
  messages: Array<Scalars['String']['output']>;
  /** The generation the controller last finished. */
  observedGeneration?: Maybe<Scalars['Int']['output']>;
  /**
   * The resource's current generation: ahead of `observedGeneration` while the
   * controller works on a change.
   */
  generation?: Maybe<Scalars['Int']['output']>;
  componentNamespaces: Array<Scalars['String']['output']>;
  /** When monitor read it. */
  seenAt: Scalars['DateTime']['output'];
};

/** One saved graph of an app; numbered 1, 2, 3… per app and never renumbered. */
export type AppVersion = {
  __typename?: 'AppVersion';
  id: Scalars['ID']['output'];
  appId: Scalars['ID']['output'];
  number: Scalars['Int']['output'];
  graph: Scalars['JSON']['output'];
  /** SHA-256 of the graph's canonical JSON (RFC 8785), in hex. */
  hash: Scalars['String']['output'];
  message: Scalars['String']['output'];
  author?: Maybe<AuditActor>;
  source: VersionSource;
  fieldManager?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
};

export type AppVersionConnection = {
  __typename?: 'AppVersionConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<AppVersionEdge>;
  /** A list of nodes. */
  nodes: Array<AppVersion>;
};

/** An edge in a connection. */
export type AppVersionEdge = {
  __typename?: 'AppVersionEdge';
  /** The item at the end of the edge */
  node: AppVersion;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** A circle on Earth. */
export type AreaInput = {
  latitude: Scalars['Float']['input'];
  longitude: Scalars['Float']['input'];
  radiusKm: Scalars['Float']['input'];
};

export const AssignmentStatus = {
  /** Waiting for its probe to connect or to have a free slot. */
  Waiting: 'WAITING',
  /** Sent to its probe, not yet accepted. */
  Sent: 'SENT',
  /** Its probe holds it and measures on its schedule. */
  Held: 'HELD',
  /** Every result delivered, or its schedule is over. */
  Done: 'DONE',
  Cancelled: 'CANCELLED',
  /** Its probe refused it (the reason is kept). */
  Refused: 'REFUSED'
} as const;

export type AssignmentStatus = typeof AssignmentStatus[keyof typeof AssignmentStatus];
export type AuditActor = {
  __typename?: 'AuditActor';
  kind: ActorKind;
  /** The username, `system`, or the webhook's name. */
  name: Scalars['String']['output'];
  /** The user's id when a user acted. */
  userId?: Maybe<Scalars['ID']['output']>;
};

/** A configuration change, as the JSON of the object before and after. */
export type AuditDiff = {
  __typename?: 'AuditDiff';
  before?: Maybe<Scalars['JSON']['output']>;
  after?: Maybe<Scalars['JSON']['output']>;
};

/** One entry of the audit log. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  id: Scalars['ID']['output'];
  occurredAt: Scalars['DateTime']['output'];
  kind: AuditKind;
  actor: AuditActor;
  /** One line a person reads, e.g. `created user alice (OPERATOR)`. */
  summary: Scalars['String']['output'];
  subject?: Maybe<AuditSubject>;
  stackId?: Maybe<Scalars['ID']['output']>;
  /**
   * The stack's name when the event was recorded, still there once the stack is
   * renamed or deleted.
   */
  stackName?: Maybe<Scalars['String']['output']>;
  serverId?: Maybe<Scalars['ID']['output']>;
  /**
   * The server's name when the event was recorded, still there once the server is
   * renamed or removed.
   */
  serverName?: Maybe<Scalars['String']['output']>;
  appId?: Maybe<Scalars['ID']['output']>;
  diff?: Maybe<AuditDiff>;
  /** The server the event is filed under, if any (and not since removed). */
  server?: Maybe<Server>;
  /** The stack the event is filed under, if any (and not since deleted). */
  stack?: Maybe<Stack>;
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<AuditEventEdge>;
  /** A list of nodes. */
  nodes: Array<AuditEvent>;
};

/** An edge in a connection. */
export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  /** The item at the end of the edge */
  node: AuditEvent;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** Narrows the audit log; every given condition must hold. */
export type AuditEventFilter = {
  /** Any of these kinds. */
  kinds?: InputMaybe<Array<AuditKind>>;
  /** The actor's name, exactly (a username, `system`, or a webhook's name). */
  actor?: InputMaybe<Scalars['String']['input']>;
  stackId?: InputMaybe<Scalars['ID']['input']>;
  serverId?: InputMaybe<Scalars['ID']['input']>;
  appId?: InputMaybe<Scalars['ID']['input']>;
  /** Events at or after this time. */
  occurredAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Events strictly before this time. */
  occurredBefore?: InputMaybe<Scalars['DateTime']['input']>;
};

/** How to sort the audit log: newest first unless told otherwise. */
export type AuditEventOrder = {
  field?: AuditEventOrderField;
  direction?: OrderDirection;
};

/** The column an audit page is sorted by; ties are broken by time. */
export const AuditEventOrderField = {
  OccurredAt: 'OCCURRED_AT',
  Kind: 'KIND',
  Stack: 'STACK',
  Server: 'SERVER'
} as const;

export type AuditEventOrderField = typeof AuditEventOrderField[keyof typeof AuditEventOrderField];
/** What happened. Every mutation and trigger in monitor records one of these. */
export const AuditKind = {
  LoginSucceeded: 'LOGIN_SUCCEEDED',
  LoginFailed: 'LOGIN_FAILED',
  UserCreated: 'USER_CREATED',
  UserUpdated: 'USER_UPDATED',
  UserDeleted: 'USER_DELETED',
  ApiTokenCreated: 'API_TOKEN_CREATED',
  ApiTokenRevoked: 'API_TOKEN_REVOKED',
  BackupDownloaded: 'BACKUP_DOWNLOADED',
  ServerCreated: 'SERVER_CREATED',
  ServerUpdated: 'SERVER_UPDATED',
  ServerDeleted: 'SERVER_DELETED',
  ContainerCreated: 'CONTAINER_CREATED',
  ContainerStarted: 'CONTAINER_STARTED',
  ContainerStopped: 'CONTAINER_STOPPED',
  ContainerRestarted: 'CONTAINER_RESTARTED',
  ContainerRemoved: 'CONTAINER_REMOVED',
  CommandStarted: 'COMMAND_STARTED',
  OperationCancelled: 'OPERATION_CANCELLED',
  StackCreated: 'STACK_CREATED',
  StackUpdated: 'STACK_UPDATED',
  StackDeleted: 'STACK_DELETED',
  StackCloneStarted: 'STACK_CLONE_STARTED',
  StackPullStarted: 'STACK_PULL_STARTED',
  StackScriptStarted: 'STACK_SCRIPT_STARTED',
  StackBuildStarted: 'STACK_BUILD_STARTED',
  StackPushStarted: 'STACK_PUSH_STARTED',
  StackDeployStarted: 'STACK_DEPLOY_STARTED',
  StackRollbackStarted: 'STACK_ROLLBACK_STARTED',
  PipelineStarted: 'PIPELINE_STARTED',
  WebhookRejected: 'WEBHOOK_REJECTED',
  WebhookSecretRotated: 'WEBHOOK_SECRET_ROTATED',
  ServerCloned: 'SERVER_CLONED',
  ImageRemoved: 'IMAGE_REMOVED',
  ImagesPruned: 'IMAGES_PRUNED',
  VolumeRemoved: 'VOLUME_REMOVED',
  VolumesPruned: 'VOLUMES_PRUNED',
  NetworkRemoved: 'NETWORK_REMOVED',
  NetworksPruned: 'NETWORKS_PRUNED',
  ContainerShellOpened: 'CONTAINER_SHELL_OPENED',
  ContainerShellClosed: 'CONTAINER_SHELL_CLOSED',
  AppCreated: 'APP_CREATED',
  AppUpdated: 'APP_UPDATED',
  AppDeleted: 'APP_DELETED',
  AppGraphSaved: 'APP_GRAPH_SAVED',
  AppGraphChangedInCluster: 'APP_GRAPH_CHANGED_IN_CLUSTER',
  AppFoundInCluster: 'APP_FOUND_IN_CLUSTER',
  AppDeletedInCluster: 'APP_DELETED_IN_CLUSTER',
  AppDeployStarted: 'APP_DEPLOY_STARTED',
  AppRevertStarted: 'APP_REVERT_STARTED',
  AppAutoRevertStarted: 'APP_AUTO_REVERT_STARTED',
  AppUndeployStarted: 'APP_UNDEPLOY_STARTED',
  ComponentConfigCreated: 'COMPONENT_CONFIG_CREATED',
  ComponentConfigUpdated: 'COMPONENT_CONFIG_UPDATED',
  ComponentConfigDeleted: 'COMPONENT_CONFIG_DELETED',
  ProbeRegistered: 'PROBE_REGISTERED',
  ProbeRevoked: 'PROBE_REVOKED',
  ProbeDeleted: 'PROBE_DELETED',
  MeasurementCreated: 'MEASUREMENT_CREATED',
  MeasurementCancelled: 'MEASUREMENT_CANCELLED',
  CreditsGranted: 'CREDITS_GRANTED'
} as const;

export type AuditKind = typeof AuditKind[keyof typeof AuditKind];
/** The thing an event is about. */
export type AuditSubject = {
  __typename?: 'AuditSubject';
  type: AuditSubjectType;
  id?: Maybe<Scalars['ID']['output']>;
  name?: Maybe<Scalars['String']['output']>;
};

/** The kind of thing an event is about. */
export const AuditSubjectType = {
  User: 'USER',
  ApiToken: 'API_TOKEN',
  Session: 'SESSION',
  Backup: 'BACKUP',
  Stack: 'STACK',
  Server: 'SERVER',
  App: 'APP',
  Container: 'CONTAINER',
  Operation: 'OPERATION',
  Image: 'IMAGE',
  Volume: 'VOLUME',
  Network: 'NETWORK',
  ComponentConfig: 'COMPONENT_CONFIG',
  Probe: 'PROBE',
  Measurement: 'MEASUREMENT'
} as const;

export type AuditSubjectType = typeof AuditSubjectType[keyof typeof AuditSubjectType];
export type BackupDownload = {
  __typename?: 'BackupDownload';
  /** Fetch this path with GET, without any header, within a minute; it works once. */
  url: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
};

export type CancelMeasurementInput = {
  id: Scalars['ID']['input'];
};

export type CancelOperationInput = {
  id: Scalars['ID']['input'];
};

export type ChangePasswordInput = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
};

/** Where a stack's repository is checked out. */
export const CloneLocation = {
  /** In monitor's data directory; builds send the context from there. */
  Monitor: 'MONITOR',
  /** On the stack's server, under its root directory (through the agent if remote). */
  Server: 'SERVER'
} as const;

export type CloneLocation = typeof CloneLocation[keyof typeof CloneLocation];
/** The stacks copied by `cloneServer`, and the deploys started for them. */
export type CloneServerResult = {
  __typename?: 'CloneServerResult';
  stacks: Array<Stack>;
  deploys: Array<Operation>;
};

export type CloseShellInput = {
  sessionId: Scalars['ID']['input'];
};

/**
 * A reusable component in the catalog: a title, a component config to start a graph's
 * component from, its type and the node type the editor draws it as.
 */
export type ComponentConfig = {
  __typename?: 'ComponentConfig';
  id: Scalars['ID']['output'];
  title: Scalars['String']['output'];
  config: Scalars['JSON']['output'];
  type: Scalars['String']['output'];
  nodeType: Scalars['String']['output'];
  /** What the last change was about. */
  message: Scalars['String']['output'];
  /** Counts from 1; each update adds one and keeps the previous versions readable. */
  version: Scalars['Int']['output'];
  author: AuditActor;
  createdAt: Scalars['DateTime']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** Every version of this config, newest first (the current one included). */
  versions: Array<ComponentConfigVersion>;
  /** The config as it was at `version`. */
  atVersion?: Maybe<ComponentConfigVersion>;
};


/**
 * A reusable component in the catalog: a title, a component config to start a graph's
 * component from, its type and the node type the editor draws it as.
 */
export type ComponentConfigAtVersionArgs = {
  version: Scalars['Int']['input'];
};

export type ComponentConfigConnection = {
  __typename?: 'ComponentConfigConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<ComponentConfigEdge>;
  /** A list of nodes. */
  nodes: Array<ComponentConfig>;
};

/** An edge in a connection. */
export type ComponentConfigEdge = {
  __typename?: 'ComponentConfigEdge';
  /** The item at the end of the edge */
  node: ComponentConfig;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** A component config as it was at one version. */
export type ComponentConfigVersion = {
  __typename?: 'ComponentConfigVersion';
  version: Scalars['Int']['output'];
  title: Scalars['String']['output'];
  config: Scalars['JSON']['output'];
  type: Scalars['String']['output'];
  nodeType: Scalars['String']['output'];
  message: Scalars['String']['output'];
  author: AuditActor;
  createdAt: Scalars['DateTime']['output'];
};

export type ComponentHealth = {
  __typename?: 'ComponentHealth';
  /** `store`, `kubernetes`, `grafana`, then `docker:<server name>` per server. */
  name: Scalars['String']['output'];
  status: HealthStatus;
  /** What is wrong, when something is. */
  message?: Maybe<Scalars['String']['output']>;
  checkedAt: Scalars['DateTime']['output'];
  /** How long the check took, in milliseconds. */
  latencyMs?: Maybe<Scalars['Float']['output']>;
};

/** A container as lists show it. */
export type Container = {
  __typename?: 'Container';
  /** The engine's container id. */
  id: Scalars['ID']['output'];
  serverId: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  image: Scalars['String']['output'];
  status: ContainerStatus;
  health: ContainerHealth;
  /** The engine's own words, e.g. `Up 2 hours (healthy)`. */
  statusText: Scalars['String']['output'];
  command?: Maybe<Scalars['String']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  ports: Array<PortMapping>;
  labels: Array<Label>;
  /** The server it runs on. */
  server?: Maybe<Server>;
};

export type ContainerCounts = {
  __typename?: 'ContainerCounts';
  total: Scalars['Int']['output'];
  running: Scalars['Int']['output'];
  paused: Scalars['Int']['output'];
  stopped: Scalars['Int']['output'];
};

/** Everything `container` shows: the summary's facts and the runtime details. */
export type ContainerDetails = {
  __typename?: 'ContainerDetails';
  id: Scalars['ID']['output'];
  serverId: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  image: Scalars['String']['output'];
  status: ContainerStatus;
  health: ContainerHealth;
  /** Consecutive failed health checks. */
  failingStreak?: Maybe<Scalars['Int']['output']>;
  /** The last health checks (the engine keeps five), oldest first. */
  healthChecks: Array<HealthCheck>;
  command: Array<Scalars['String']['output']>;
  entrypoint: Array<Scalars['String']['output']>;
  workingDirectory?: Maybe<Scalars['String']['output']>;
  ports: Array<PortMapping>;
  mounts: Array<ContainerMount>;
  labels: Array<Label>;
  networkMode?: Maybe<Scalars['String']['output']>;
  restartPolicy?: Maybe<Scalars['String']['output']>;
  restartCount: Scalars['Int']['output'];
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The last exit code (meaningful once the container has stopped). */
  exitCode?: Maybe<Scalars['Int']['output']>;
  /** The engine's error, e.g. why the container could not start. */
  error?: Maybe<Scalars['String']['output']>;
  oomKilled: Scalars['Boolean']['output'];
  /**
   * The environment as `NAME=value`, secret-looking values masked; `reveal: true`
   * shows them and needs the OPERATOR role.
   */
  env: Array<Scalars['String']['output']>;
  /**
   * The environment, one variable each, secret-looking values masked; `reveal:
   * true` shows them and needs the OPERATOR role.
   */
  environment: Array<EnvironmentVariable>;
};


/** Everything `container` shows: the summary's facts and the runtime details. */
export type ContainerDetailsEnvArgs = {
  reveal?: Scalars['Boolean']['input'];
};


/** Everything `container` shows: the summary's facts and the runtime details. */
export type ContainerDetailsEnvironmentArgs = {
  reveal?: Scalars['Boolean']['input'];
};

/** A change to a container, as the engine reported it. */
export type ContainerEvent = {
  __typename?: 'ContainerEvent';
  serverId: Scalars['ID']['output'];
  containerId: Scalars['ID']['output'];
  containerName?: Maybe<Scalars['String']['output']>;
  /** The engine's action: `create`, `start`, `die`, `health_status: unhealthy`… */
  action: Scalars['String']['output'];
  /** The container's state after this event, when the action implies one. */
  status?: Maybe<ContainerStatus>;
  /** Set on `die`. */
  exitCode?: Maybe<Scalars['Int']['output']>;
  occurredAt: Scalars['DateTime']['output'];
};

/** Narrows a container list. */
export type ContainerFilter = {
  /** Only containers in one of these states. */
  statuses?: InputMaybe<Array<ContainerStatus>>;
  /** Only containers whose name contains this text. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
  /** Only containers carrying this label (`key` or `key=value`). */
  label?: InputMaybe<Scalars['String']['input']>;
};

export const ContainerHealth = {
  /** The image defines no health check. */
  None: 'NONE',
  Starting: 'STARTING',
  Healthy: 'HEALTHY',
  Unhealthy: 'UNHEALTHY'
} as const;

export type ContainerHealth = typeof ContainerHealth[keyof typeof ContainerHealth];
/** Names a container on a server. */
export type ContainerInput = {
  serverId: Scalars['ID']['input'];
  /** The container's id or name. */
  id: Scalars['ID']['input'];
};

export type ContainerMount = {
  __typename?: 'ContainerMount';
  /** `bind`, `volume`, `tmpfs`… */
  kind: Scalars['String']['output'];
  /** The host path, or the volume's name. */
  source: Scalars['String']['output'];
  destination: Scalars['String']['output'];
  readOnly: Scalars['Boolean']['output'];
};

/** One sample of a container's resource use. */
export type ContainerStats = {
  __typename?: 'ContainerStats';
  serverId: Scalars['ID']['output'];
  containerId: Scalars['ID']['output'];
  /** When the engine took the sample. */
  readAt: Scalars['DateTime']['output'];
  /**
   * CPU use since the previous sample, where 100 is one CPU fully used (as
   * `docker stats` shows it); absent on the first sample.
   */
  cpuPercent?: Maybe<Scalars['Float']['output']>;
  /** CPUs the container may use. */
  onlineCpus?: Maybe<Scalars['Int']['output']>;
  /** Memory in use, page cache that could be dropped left out (as `docker stats`). */
  memoryUsedBytes?: Maybe<Scalars['Float']['output']>;
  /** The container's memory limit, or the host's memory when it has none. */
  memoryLimitBytes?: Maybe<Scalars['Float']['output']>;
  /**
   * Bytes received and sent on all the container's interfaces since it started;
   * absent for a container on the host's network, which has none of its own.
   */
  networkReceivedBytes?: Maybe<Scalars['Float']['output']>;
  networkSentBytes?: Maybe<Scalars['Float']['output']>;
  /** Processes and threads in the container. */
  pids?: Maybe<Scalars['Int']['output']>;
};

/**
 * Where a container is in its life. A running container whose health check fails is
 * `UNHEALTHY`, not `RUNNING`.
 */
export const ContainerStatus = {
  Created: 'CREATED',
  Running: 'RUNNING',
  Unhealthy: 'UNHEALTHY',
  Paused: 'PAUSED',
  Restarting: 'RESTARTING',
  Removing: 'REMOVING',
  Exited: 'EXITED',
  Dead: 'DEAD',
  /** Only in events: the container no longer exists. */
  Removed: 'REMOVED'
} as const;

export type ContainerStatus = typeof ContainerStatus[keyof typeof ContainerStatus];
export type CreateApiTokenInput = {
  /** What the token is for, e.g. `ci-deploy`. */
  name: Scalars['String']['input'];
  /** When the token stops working; never when left out. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
};

export type CreateAppInput = {
  /** The resource's namespace: a DNS-1123 label. */
  namespace: Scalars['String']['input'];
  /** The resource's name: a DNS-1123 label, unique within the namespace. */
  name: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  labels?: InputMaybe<Array<AppLabelInput>>;
  /** `{components: {…}, flows: {…}}`, stored as version 1. */
  graph: Scalars['JSON']['input'];
  /** What version 1 is; "created" when absent. */
  message?: InputMaybe<Scalars['String']['input']>;
  autoRevert?: InputMaybe<Scalars['Boolean']['input']>;
};

export type CreateComponentConfigInput = {
  /** What the catalog shows, 1 to 200 characters. */
  title: Scalars['String']['input'];
  /** The component config a graph's component starts from: an object. */
  config: Scalars['JSON']['input'];
  /** The component type, e.g. `batch-uploader`. */
  type: Scalars['String']['input'];
  /** How the graph editor draws it. */
  nodeType: Scalars['String']['input'];
  /** What this version is; "created" when absent. */
  message?: InputMaybe<Scalars['String']['input']>;
};

export type CreateMeasurementInput = {
  /** What the probes measure. */
  kind: MeasurementKind;
  /**
   * 1 to 100 IP addresses or hostnames; an HTTP measurement without targets asks
   * its URL's host.
   */
  targets?: Array<Scalars['String']['input']>;
  /** Which probes measure. */
  probes: ProbeSelectionInput;
  /** Once, now, when left out. */
  schedule?: InputMaybe<MeasurementScheduleInput>;
  /** The parameters of the measurement's kind; the kind's defaults when left out. */
  params?: InputMaybe<MeasurementParamsInput>;
  description?: InputMaybe<Scalars['String']['input']>;
};

export type CreateServerInput = {
  /** 1 to 64 characters of letters, digits, `.`, `_` and `-`; unique. */
  name: Scalars['String']['input'];
  /**
   * `unix:///var/run/docker.sock`, `tcp://host:port`, `agent+http://host:port` or
   * `agent+https://host:port`.
   */
  endpoint: Scalars['String']['input'];
  /** The token the agent was started with; required for agent endpoints, write-only. */
  agentToken?: InputMaybe<Scalars['String']['input']>;
  /** An absolute path on the server: where commands run by default. */
  rootDirectory?: InputMaybe<Scalars['String']['input']>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type CreateStackInput = {
  /** Lowercase letters, digits, '.', '_' and '-': it names the image and container. */
  name: Scalars['String']['input'];
  serverId: Scalars['ID']['input'];
  repo?: InputMaybe<StackRepoInput>;
  build?: InputMaybe<StackBuildInput>;
  deploy?: InputMaybe<StackDeployInput>;
  pipeline?: InputMaybe<Array<PipelineStepInput>>;
};

export type CreateUserInput = {
  username: Scalars['String']['input'];
  password: Scalars['String']['input'];
  role: Role;
};

export type CreatedApiToken = {
  __typename?: 'CreatedApiToken';
  /** The token itself, shown this once: it is stored only as a hash. */
  token: Scalars['String']['output'];
  apiToken: ApiToken;
};

/** A user's credits now. */
export type CreditBalance = {
  __typename?: 'CreditBalance';
  userId: Scalars['ID']['output'];
  /**
   * What can be spent: grants and earnings, less what running measurements reserve
   * and what finished ones used.
   */
  balance: Scalars['Int']['output'];
};

/** A user's balance, as it was when the subscription started or as a movement left it. */
export type CreditBalanceChange = {
  __typename?: 'CreditBalanceChange';
  userId: Scalars['ID']['output'];
  balance: Scalars['Int']['output'];
  /**
   * The movement that changed it; `null` in the first item, the balance when
   * subscribed.
   */
  entry?: Maybe<CreditEntry>;
};

/** One movement of a user's credits. */
export type CreditEntry = {
  __typename?: 'CreditEntry';
  id: Scalars['ID']['output'];
  movement: CreditMovement;
  /** Added to the balance; negative when taken from it. */
  amount: Scalars['Int']['output'];
  /** The balance right after it. */
  balanceAfter: Scalars['Int']['output'];
  measurementId?: Maybe<Scalars['ID']['output']>;
  probeId?: Maybe<Scalars['ID']['output']>;
  note?: Maybe<Scalars['String']['output']>;
  at: Scalars['DateTime']['output'];
  /** Whose credits moved. */
  user?: Maybe<User>;
};

export type CreditEntryConnection = {
  __typename?: 'CreditEntryConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<CreditEntryEdge>;
  /** A list of nodes. */
  nodes: Array<CreditEntry>;
};

/** An edge in a connection. */
export type CreditEntryEdge = {
  __typename?: 'CreditEntryEdge';
  /** The item at the end of the edge */
  node: CreditEntry;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

export const CreditMovement = {
  /** An admin gave credits. */
  Grant: 'GRANT',
  /** A measurement's quote, set aside when it was created. */
  Reservation: 'RESERVATION',
  /** What a measurement did not use (results never delivered), given back at its end. */
  Release: 'RELEASE',
  /** A probe owner's pay for an hour of a probe connected. */
  Earning: 'EARNING'
} as const;

export type CreditMovement = typeof CreditMovement[keyof typeof CreditMovement];
/** One panel of a dashboard, with its own page in Grafana. */
export type DashboardPanel = {
  __typename?: 'DashboardPanel';
  title: Scalars['String']['output'];
  url: Scalars['String']['output'];
};

export type DeleteAppInput = {
  id: Scalars['ID']['input'];
};

export type DeleteComponentConfigInput = {
  id: Scalars['ID']['input'];
};

export type DeleteProbeInput = {
  id: Scalars['ID']['input'];
};

export type DeleteServerInput = {
  id: Scalars['ID']['input'];
};

export type DeleteStackInput = {
  id: Scalars['ID']['input'];
  /** Also stop and remove the stack's containers (default true). */
  removeContainers?: Scalars['Boolean']['input'];
};

export type DeleteUserInput = {
  id: Scalars['ID']['input'];
};

export type DeployAppInput = {
  appId: Scalars['ID']['input'];
  /**
   * The version to deploy; the newest when absent. An older version than the active
   * one is a revert.
   */
  version?: InputMaybe<Scalars['Int']['input']>;
  /** Why, for the deployment history. */
  reason?: InputMaybe<Scalars['String']['input']>;
};

/**
 * One deploy, revert or undeploy of an app: who, when, from which version to which,
 * why, and how it ended.
 */
export type Deployment = {
  __typename?: 'Deployment';
  action: DeploymentAction;
  actor: AuditActor;
  /** The active version before. */
  fromVersion?: Maybe<Scalars['Int']['output']>;
  /** The version deployed (for an undeploy, the one undeployed). */
  toVersion: Scalars['Int']['output'];
  reason: Scalars['String']['output'];
  outcome: DeploymentOutcome;
  /** The last thing the controller or the API server said about it. */
  message?: Maybe<Scalars['String']['output']>;
  startedAt: Scalars['DateTime']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  appId: Scalars['ID']['output'];
  /** The operation that carried it out, with its progress lines. */
  operation?: Maybe<Operation>;
};

/** What a deployment asked of the cluster. */
export const DeploymentAction = {
  Deploy: 'DEPLOY',
  /** A deploy of an older version than the active one. */
  Revert: 'REVERT',
  /** The rollback monitor started after a deploy of an app with `autoRevert` failed. */
  AutoRevert: 'AUTO_REVERT',
  Undeploy: 'UNDEPLOY'
} as const;

export type DeploymentAction = typeof DeploymentAction[keyof typeof DeploymentAction];
export type DeploymentConnection = {
  __typename?: 'DeploymentConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<DeploymentEdge>;
  /** A list of nodes. */
  nodes: Array<Deployment>;
};

/** An edge in a connection. */
export type DeploymentEdge = {
  __typename?: 'DeploymentEdge';
  /** The item at the end of the edge */
  node: Deployment;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** How a deployment ended. */
export const DeploymentOutcome = {
  /** Still being followed. */
  Running: 'RUNNING',
  Deployed: 'DEPLOYED',
  Undeployed: 'UNDEPLOYED',
  Failed: 'FAILED',
  /** The controller did not finish within the timeout. */
  TimedOut: 'TIMED_OUT',
  /** Another change to the resource replaced this one before it finished. */
  Superseded: 'SUPERSEDED',
  /** The resource was deleted meanwhile. */
  Deleted: 'DELETED',
  /** The API server refused or did not answer; nothing changed in the cluster. */
  Refused: 'REFUSED',
  /** monitor stopped while following it. */
  Interrupted: 'INTERRUPTED'
} as const;

export type DeploymentOutcome = typeof DeploymentOutcome[keyof typeof DeploymentOutcome];
export const DnsClass = {
  In: 'IN',
  /** CHAOS, for questions about the server itself (`version.bind`). */
  Chaos: 'CHAOS'
} as const;

export type DnsClass = typeof DnsClass[keyof typeof DnsClass];
export type DnsFlags = {
  __typename?: 'DnsFlags';
  authoritative: Scalars['Boolean']['output'];
  truncated: Scalars['Boolean']['output'];
  recursionDesired: Scalars['Boolean']['output'];
  recursionAvailable: Scalars['Boolean']['output'];
  authenticData: Scalars['Boolean']['output'];
  checkingDisabled: Scalars['Boolean']['output'];
};

/** A DNS query's parameters; each left out takes its default. */
export type DnsParamsInput = {
  /**
   * `A` (default), `AAAA`, `CNAME`, `MX`, `NS`, `PTR`, `SOA`, `SRV`, `TXT`, `CAA`,
   * `DS`, `DNSKEY` or `ANY`.
   */
  recordType?: InputMaybe<Scalars['String']['input']>;
  /** `IN` (default) or `CHAOS`. */
  class?: InputMaybe<Scalars['String']['input']>;
  /** `192.0.2.53`, `192.0.2.53:5353`, `[2001:db8::53]:53`; absent: the probe's own. */
  resolver?: InputMaybe<Scalars['String']['input']>;
  /** `UDP` (default) or `TCP`. */
  transport?: InputMaybe<Scalars['String']['input']>;
  recursionDesired?: InputMaybe<Scalars['Boolean']['input']>;
  dnssecOk?: InputMaybe<Scalars['Boolean']['input']>;
  /** 0 to 10. */
  retries?: InputMaybe<Scalars['Int']['input']>;
  /** 100 to 30,000 ms. */
  timeoutMs?: InputMaybe<Scalars['Int']['input']>;
};

export type DnsRecord = {
  __typename?: 'DnsRecord';
  name: Scalars['String']['output'];
  recordType: Scalars['String']['output'];
  class: Scalars['String']['output'];
  ttl: Scalars['Int']['output'];
  /** The record's data in zone-file form. */
  data: Scalars['String']['output'];
};

export const DnsRecordType = {
  A: 'A',
  Aaaa: 'AAAA',
  Cname: 'CNAME',
  Mx: 'MX',
  Ns: 'NS',
  Ptr: 'PTR',
  Soa: 'SOA',
  Srv: 'SRV',
  Txt: 'TXT',
  Caa: 'CAA',
  Ds: 'DS',
  Dnskey: 'DNSKEY',
  Any: 'ANY'
} as const;

export type DnsRecordType = typeof DnsRecordType[keyof typeof DnsRecordType];
export type DnsResult = {
  __typename?: 'DnsResult';
  transport: DnsTransport;
  /** The name asked for (the reverse name for an address target). */
  name: Scalars['String']['output'];
  recordType: DnsRecordType;
  class: DnsClass;
  /** `NOERROR`, `NXDOMAIN`, `SERVFAIL`, … */
  rcode: Scalars['String']['output'];
  flags: DnsFlags;
  answers: Array<DnsRecord>;
  authorityCount: Scalars['Int']['output'];
  additionalCount: Scalars['Int']['output'];
  /** From sending the query that was answered to its answer. */
  timeMs: Scalars['Float']['output'];
  /** Queries sent: 1 plus the retries used. */
  attempts: Scalars['Int']['output'];
  /** The answer as received, base64 (the "abuf" RIPE Atlas users know). */
  responseBase64: Scalars['String']['output'];
  /** The resolver asked, `address:port`. */
  resolver: Scalars['String']['output'];
};

export const DnsTransport = {
  Udp: 'UDP',
  Tcp: 'TCP'
} as const;

export type DnsTransport = typeof DnsTransport[keyof typeof DnsTransport];
/** One `NAME=value` of a container's environment. */
export type EnvironmentVariable = {
  __typename?: 'EnvironmentVariable';
  name: Scalars['String']['output'];
  /** The value, or `••••••` when it is secret and was not revealed. */
  value: Scalars['String']['output'];
  /** Whether the value looks secret (and so is masked unless revealed). */
  secret: Scalars['Boolean']['output'];
  /** Whether `value` is masked. */
  masked: Scalars['Boolean']['output'];
};

export type GrantCreditsInput = {
  userId: Scalars['ID']['input'];
  /** 1 to 1,000,000,000. */
  amount: Scalars['Int']['input'];
  /** Why, for the ledger. */
  note?: InputMaybe<Scalars['String']['input']>;
};

/** Whether a component, flow or path is new, gone or different. */
export const GraphChange = {
  Added: 'ADDED',
  Removed: 'REMOVED',
  Changed: 'CHANGED'
} as const;

export type GraphChange = typeof GraphChange[keyof typeof GraphChange];
/** One component or flow that differs. */
export type GraphEntryDiff = {
  __typename?: 'GraphEntryDiff';
  name: Scalars['String']['output'];
  change: GraphChange;
  paths: Array<GraphPathChange>;
};

/**
 * One JSON Pointer inside a component or flow whose value differs; the path is empty
 * when the whole entry came or went.
 */
export type GraphPathChange = {
  __typename?: 'GraphPathChange';
  path: Scalars['String']['output'];
  change: GraphChange;
  old?: Maybe<Scalars['JSON']['output']>;
  new?: Maybe<Scalars['JSON']['output']>;
};

export type Health = {
  __typename?: 'Health';
  /** The worst status of any component. */
  status: HealthStatus;
  version: Scalars['String']['output'];
  startedAt: Scalars['DateTime']['output'];
  components: Array<ComponentHealth>;
};

/** One run of a container's health check. */
export type HealthCheck = {
  __typename?: 'HealthCheck';
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  endedAt?: Maybe<Scalars['DateTime']['output']>;
  /** 0 healthy, 1 unhealthy, anything else: the check itself could not run. */
  exitCode?: Maybe<Scalars['Int']['output']>;
  /** What the check printed (the engine keeps the first 4 KiB). */
  output: Scalars['String']['output'];
};

export const HealthStatus = {
  Up: 'UP',
  Degraded: 'DEGRADED',
  Down: 'DOWN',
  /** An optional dependency (Kubernetes, Grafana) that is not set up: nothing wrong. */
  NotConfigured: 'NOT_CONFIGURED'
} as const;

export type HealthStatus = typeof HealthStatus[keyof typeof HealthStatus];
export type HostStats = {
  __typename?: 'HostStats';
  cpus: Scalars['Int']['output'];
  /**
   * Share of CPU time spent busy since the previous check; absent on the first one,
   * and for `tcp://` engines, whose host monitor cannot see.
   */
  cpuPercent?: Maybe<Scalars['Float']['output']>;
  memoryTotalBytes: Scalars['Float']['output'];
  /** Absent for `tcp://` engines. */
  memoryAvailableBytes?: Maybe<Scalars['Float']['output']>;
};

/** One header of an HTTP answer. */
export type HttpHeader = {
  __typename?: 'HttpHeader';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type HttpHeaderInput = {
  name: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

export const HttpMethod = {
  Get: 'GET',
  Head: 'HEAD',
  Options: 'OPTIONS'
} as const;

export type HttpMethod = typeof HttpMethod[keyof typeof HttpMethod];
export type HttpParamsInput = {
  /** An http:// or https:// URL. */
  url?: InputMaybe<Scalars['String']['input']>;
  /** `GET` (default), `HEAD` or `OPTIONS`. */
  method?: InputMaybe<Scalars['String']['input']>;
  /** Up to 32 request headers. */
  headers?: Array<HttpHeaderInput>;
  /** 1 to 30 s. */
  timeoutSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** The status the answer should have. */
  expectedStatus?: InputMaybe<Scalars['Int']['input']>;
};

export type HttpResult = {
  __typename?: 'HttpResult';
  url: Scalars['String']['output'];
  method: HttpMethod;
  status: Scalars['Int']['output'];
  /** Whether the status is the expected one; absent when none was expected. */
  statusMatches?: Maybe<Scalars['Boolean']['output']>;
  httpVersion: Scalars['String']['output'];
  /** The first bytes of the body (at most 10 KB read), as text. */
  body: Scalars['String']['output'];
  bodyBytes: Scalars['Int']['output'];
  /** Whether the body went on past what was read. */
  truncated: Scalars['Boolean']['output'];
  timings: HttpTimings;
  tls?: Maybe<HttpTls>;
  /** Where the probe connected, `address:port`. */
  address: Scalars['String']['output'];
  /** The answer's headers, in order. */
  headers: Array<HttpHeader>;
};

/** Each phase's end, in ms from the start (as curl's `time_*`): they only grow. */
export type HttpTimings = {
  __typename?: 'HttpTimings';
  /** Name resolution; absent when the target is an address. */
  dnsMs?: Maybe<Scalars['Float']['output']>;
  connectMs: Scalars['Float']['output'];
  /** TLS handshake; absent for http://. */
  tlsMs?: Maybe<Scalars['Float']['output']>;
  /** The response's first byte. */
  firstByteMs: Scalars['Float']['output'];
  totalMs: Scalars['Float']['output'];
};

export type HttpTls = {
  __typename?: 'HttpTls';
  protocol: Scalars['String']['output'];
  cipher: Scalars['String']['output'];
  /** Whether the chain is trusted (Mozilla's roots) and names the host. */
  authorized: Scalars['Boolean']['output'];
  /** Why not, when not. */
  error?: Maybe<Scalars['String']['output']>;
  subject: Scalars['String']['output'];
  issuer: Scalars['String']['output'];
  notBefore: Scalars['DateTime']['output'];
  expires: Scalars['DateTime']['output'];
};

/** An image as the list shows it. */
export type Image = {
  __typename?: 'Image';
  /** `sha256:…` */
  id: Scalars['ID']['output'];
  serverId: Scalars['ID']['output'];
  /** `name:tag` references; none for a dangling image. */
  tags: Array<Scalars['String']['output']>;
  /** `name@sha256:…` references, for images pulled from or pushed to a registry. */
  digests: Array<Scalars['String']['output']>;
  /** The image's size on disk, its layers shared with other images included. */
  sizeBytes?: Maybe<Scalars['Float']['output']>;
  /** The part of `sizeBytes` shared with other images. */
  sharedSizeBytes?: Maybe<Scalars['Float']['output']>;
  /** Containers (running or not) made from this image. */
  containers: Scalars['Int']['output'];
  /** Untagged and unused by any container: what `pruneImages` removes. */
  dangling: Scalars['Boolean']['output'];
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  labels: Array<Label>;
};

/** Everything `image` shows. */
export type ImageDetails = {
  __typename?: 'ImageDetails';
  id: Scalars['ID']['output'];
  serverId: Scalars['ID']['output'];
  tags: Array<Scalars['String']['output']>;
  digests: Array<Scalars['String']['output']>;
  sizeBytes?: Maybe<Scalars['Float']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  architecture?: Maybe<Scalars['String']['output']>;
  os?: Maybe<Scalars['String']['output']>;
  author?: Maybe<Scalars['String']['output']>;
  /** The command containers run unless told otherwise. */
  command: Array<Scalars['String']['output']>;
  entrypoint: Array<Scalars['String']['output']>;
  workingDirectory?: Maybe<Scalars['String']['output']>;
  /** Declared `KEY=value` defaults (an image's own, not secret by design). */
  env: Array<Scalars['String']['output']>;
  /** Ports the image declares, e.g. `80/tcp`. */
  exposedPorts: Array<Scalars['String']['output']>;
  volumes: Array<Scalars['String']['output']>;
  labels: Array<Label>;
  /** The layers' digests, base first. */
  layers: Array<Scalars['String']['output']>;
};

/** What `removeImage` did: a reference to an image with other tags only untags it. */
export type ImageRemoval = {
  __typename?: 'ImageRemoval';
  serverId: Scalars['ID']['output'];
  /** The image as it was named in the input. */
  image: Scalars['String']['output'];
  /** The references untagged and the image ids deleted, as the engine reports them. */
  removed: Array<Scalars['String']['output']>;
};

export type KeyValue = {
  __typename?: 'KeyValue';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type KeyValueInput = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

export type Label = {
  __typename?: 'Label';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type LabelInput = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** A point on Earth, in decimal degrees (WGS 84). */
export type Location = {
  __typename?: 'Location';
  /** -90 to 90. */
  latitude: Scalars['Float']['output'];
  /** -180 to 180. */
  longitude: Scalars['Float']['output'];
};

/** A point on Earth, in decimal degrees (WGS 84). */
export type LocationInput = {
  /** -90 to 90. */
  latitude: Scalars['Float']['input'];
  /** -180 to 180. */
  longitude: Scalars['Float']['input'];
};

export type LogLine = {
  __typename?: 'LogLine';
  stream: LogStream;
  text: Scalars['String']['output'];
  /** When the engine received the line. */
  timestamp: Scalars['DateTime']['output'];
};

export const LogStream = {
  Stdout: 'STDOUT',
  Stderr: 'STDERR'
} as const;

export type LogStream = typeof LogStream[keyof typeof LogStream];
export type LoginInput = {
  username: Scalars['String']['input'];
  password: Scalars['String']['input'];
};

export type LoginPayload = {
  __typename?: 'LoginPayload';
  /** The session token: send it as `Authorization: Bearer <token>`. */
  token: Scalars['String']['output'];
  expiresAt: Scalars['DateTime']['output'];
  user: User;
};

/** What users ask probes to measure, and how far it got. */
export type Measurement = {
  __typename?: 'Measurement';
  id: Scalars['ID']['output'];
  kind: MeasurementKind;
  description?: Maybe<Scalars['String']['output']>;
  /** IP addresses or hostnames, as normalised. */
  targets: Array<Scalars['String']['output']>;
  /** The parameters with every default filled in, as sent to the probes. */
  params: Scalars['JSON']['output'];
  schedule: MeasurementSchedule;
  status: MeasurementStatus;
  /** How many probes measure it. */
  probeCount: Scalars['Int']['output'];
  /**
   * How many probes were asked for: more than `probeCount` when fewer connected
   * probes matched the tags and area than the count asked.
   */
  probesAsked: Scalars['Int']['output'];
  /** Results it asks for in all: probes × targets × runs. */
  resultsExpected: Scalars['Int']['output'];
  costPerResult: Scalars['Int']['output'];
  /** Credits set aside when it was created (the quote). */
  creditsReserved: Scalars['Int']['output'];
  createdAt: Scalars['DateTime']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Who created it. */
  owner?: Maybe<User>;
  /** The operation it runs under (a new one after each restart of monitor). */
  operation?: Maybe<Operation>;
  /**
   * What its delivered results cost so far; once it ended, the rest of the
   * reservation went back to its owner.
   */
  creditsUsed: Scalars['Int']['output'];
  /** Each probe's part, in the order they were chosen. */
  assignments: Array<ProbeAssignment>;
  /** Its results, by assignment (one a probe), then run, then target. */
  results: ProbeResultConnection;
  /** What each probe delivered, by probe id. */
  probeSummaries: Array<ResultSummary>;
  /** What was measured of each target, by target. */
  targetSummaries: Array<ResultSummary>;
  /**
   * Where its results download as NDJSON (one JSON object per line), with the same
   * `Authorization` header.
   */
  resultsDownloadPath: Scalars['String']['output'];
};


/** What users ask probes to measure, and how far it got. */
export type MeasurementResultsArgs = {
  filter?: InputMaybe<ResultFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

export type MeasurementConnection = {
  __typename?: 'MeasurementConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<MeasurementEdge>;
  /** A list of nodes. */
  nodes: Array<Measurement>;
};

/** An edge in a connection. */
export type MeasurementEdge = {
  __typename?: 'MeasurementEdge';
  /** The item at the end of the edge */
  node: Measurement;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** Which measurements a list shows. */
export type MeasurementFilter = {
  /** Measurements created by this user. */
  ownerId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<MeasurementStatus>;
};

/** What a measurement measures. */
export const MeasurementKind = {
  Ping: 'PING',
  Traceroute: 'TRACEROUTE',
  Dns: 'DNS',
  Http: 'HTTP'
} as const;

export type MeasurementKind = typeof MeasurementKind[keyof typeof MeasurementKind];
/** The parameters of one kind: give the one object matching the measurement's kind. */
export type MeasurementParamsInput = {
  ping?: InputMaybe<PingParamsInput>;
  traceroute?: InputMaybe<TracerouteParamsInput>;
  dns?: InputMaybe<DnsParamsInput>;
  http?: InputMaybe<HttpParamsInput>;
};

/** What a measurement would cost, before it is created, on the probes it would run on. */
export type MeasurementQuote = {
  __typename?: 'MeasurementQuote';
  /** Probes asked for: the ids given, or the count. */
  probesAsked: Scalars['Int']['output'];
  /**
   * Probes that would measure if it were created now: every id given, or the
   * eligible probes up to the count (fewer than asked when fewer match; it runs on
   * those and reserves for those only).
   */
  probes: Scalars['Int']['output'];
  costPerResult: Scalars['Int']['output'];
  /** Results it asks for: probes × targets × runs. */
  results: Scalars['Int']['output'];
  /** What creating it reserves. */
  total: Scalars['Int']['output'];
  /** The caller's balance now. */
  balance: Scalars['Int']['output'];
  /** Whether the balance covers it. */
  enough: Scalars['Boolean']['output'];
};

/**
 * When a measurement runs: once (no interval), or every `everySeconds` from `start`
 * until `stop`.
 */
export type MeasurementSchedule = {
  __typename?: 'MeasurementSchedule';
  everySeconds?: Maybe<Scalars['Int']['output']>;
  start?: Maybe<Scalars['DateTime']['output']>;
  stop?: Maybe<Scalars['DateTime']['output']>;
  /** How many runs in all. */
  runs: Scalars['Int']['output'];
};

export type MeasurementScheduleInput = {
  /** Repeat every this many seconds (60 to 86,400); once when left out. */
  everySeconds?: InputMaybe<Scalars['Int']['input']>;
  /** The first run; now when left out. */
  start?: InputMaybe<Scalars['DateTime']['input']>;
  /** No run starts after this; needed with `everySeconds`. */
  stop?: InputMaybe<Scalars['DateTime']['input']>;
};

export const MeasurementStatus = {
  /** Its probes are measuring, or waiting to. */
  Running: 'RUNNING',
  /** Every assignment ended: all results delivered, or its schedule is over. */
  Finished: 'FINISHED',
  Cancelled: 'CANCELLED'
} as const;

export type MeasurementStatus = typeof MeasurementStatus[keyof typeof MeasurementStatus];
export type Mutation = {
  __typename?: 'Mutation';
  /** Opens a session. Needs no token; attempts are limited per username and address. */
  login: LoginPayload;
  /**
   * Changes the viewer's own password, given the current one; attempts are limited
   * like logins. Ends the viewer's other sessions; API tokens keep working.
   */
  changePassword: User;
  /** A token for scripts, acting as the viewer. Its text is returned only here. */
  createApiToken: CreatedApiToken;
  /** Stops a token from working, at once. Revoking a revoked token changes nothing. */
  revokeApiToken: ApiToken;
  createUser: User;
  /**
   * Changes a user's name, password or role. A password change signs the user out
   * of every session.
   */
  updateUser: User;
  /** Removes a user and every token they hold; returns the user as it was. */
  deleteUser: User;
  /**
   * A single-use link to download a full backup (for browsers; scripts can send
   * their token to `GET /backup` directly).
   */
  createBackupDownload: BackupDownload;
  /** Adds a server and starts watching it. */
  createServer: Server;
  /** Changes a server; a new endpoint or token reconnects it. */
  updateServer: Server;
  /** Forgets a server (its containers keep running); returns it as it was. */
  deleteServer: Server;
  /** Creates and starts a container (pulling the image when the server lacks it). */
  runContainer: ContainerDetails;
  startContainer: ContainerDetails;
  /** Stops a container, killing it after a 10 s grace period. */
  stopContainer: ContainerDetails;
  restartContainer: ContainerDetails;
  /** Removes a container, stopping it first if it runs; returns its id. */
  removeContainer: Scalars['ID']['output'];
  /** Runs a shell command on a server as an operation; follow it with `operationOutput`. */
  runCommand: Operation;
  /** Stops a running operation (its processes are killed) and returns it once stopped. */
  cancelOperation: Operation;
  createStack: Stack;
  updateStack: Stack;
  /**
   * Removes a stack (and, by default, its containers); returns it as it was. It waits
   * for the stack's running action to end, then gives each running container up to
   * 10 s to exit before it is killed (SIGKILL).
   */
  deleteStack: Stack;
  /** Clones the stack's repo afresh; follow the operation with `operationOutput`. */
  cloneStackRepo: Operation;
  /** Pulls the stack's branch (clones when nothing is checked out). */
  pullStackRepo: Operation;
  runStackScript: Operation;
  /** Builds the stack's image from its checkout, with live build output. */
  buildStack: Operation;
  /** Pushes the last build to the registry. */
  pushStackImage: Operation;
  /** Runs (or replaces) the stack's container. */
  deployStack: Operation;
  /** Redeploys the stack from an earlier image, e.g. one of `stack.images`. */
  rollbackStack: Operation;
  /** Runs the stack's pipeline; each step is a child operation of the run. */
  runPipeline: Operation;
  /** Replaces the stack's webhook secret; the old one stops working at once. */
  rotateStackWebhookSecret: Stack;
  /** Copies every stack of one server to another and deploys the copies there. */
  cloneServer: CloneServerResult;
  /**
   * Removes an image; `force` also removes it from under stopped containers and
   * drops all its tags. An image a running container uses is a `CONFLICT`.
   */
  removeImage: ImageRemoval;
  /** Removes the server's dangling images (untagged and unused). */
  pruneImages: PruneResult;
  /**
   * Removes a volume and its data; one a container uses is a `CONFLICT`. Returns
   * its name.
   */
  removeVolume: Scalars['ID']['output'];
  /** Removes the server's unused volumes and their data. */
  pruneVolumes: PruneResult;
  /**
   * Removes a network; one with containers attached is a `CONFLICT`. Returns the
   * id or name it was given.
   */
  removeNetwork: Scalars['ID']['output'];
  /** Removes the server's networks no container is attached to. */
  pruneNetworks: PruneResult;
  /**
   * Opens a shell (an exec with a terminal) into a running container; read it with
   * `shellOutput` within 30 s. OPERATOR and up; at most 4 open per user.
   */
  startContainerShell: ShellSession;
  /** Types into a shell: keystrokes or pasted text, up to 64 KiB. */
  sendShellInput: ShellSession;
  /** Tells the shell its terminal's new size. */
  resizeShell: ShellSession;
  /** Ends a shell: its terminal hangs up and the command gets SIGHUP. */
  closeShell: ShellSession;
  /** Stores a new app with its graph as version 1; nothing is deployed yet. */
  createApp: App;
  updateApp: App;
  /**
   * Deletes the app's resource, waits for the cluster to remove it, then deletes the
   * app and its history; returns the app as it was.
   */
  deleteApp: App;
  /**
   * Saves a graph as the app's next version, or returns the stored version with the
   * same hash.
   */
  saveAppGraph: AppVersion;
  /** Deploys a version of an app (a revert when older than the active one). */
  deployApp: Operation;
  /** Sets the resource's `spec.deploy` to false; the resource and its graph stay. */
  undeployApp: Operation;
  createComponentConfig: ComponentConfig;
  /** Saves the changes as the config's next version; earlier versions stay readable. */
  updateComponentConfig: ComponentConfig;
  /** Removes a config with its versions; returns it as it was. */
  deleteComponentConfig: ComponentConfig;
  /** Registers a probe owned by the caller; the answer holds its token, shown once. */
  registerProbe: RegisteredProbe;
  /** Revokes a probe's token: it is disconnected now and cannot connect again. */
  revokeProbe: Probe;
  /** Deletes a probe (its results stay); returns it as it was. */
  deleteProbe: Probe;
  /**
   * Starts a measurement on probes; its probes are sent their part at once (or when
   * they have a free slot or reconnect). Bad input changes nothing.
   */
  createMeasurement: Measurement;
  /** Stops a running measurement on every probe; what was delivered stays. */
  cancelMeasurement: Measurement;
  /** Gives a user credits (admins only); the user's balance after it. */
  grantCredits: CreditBalance;
};


export type MutationLoginArgs = {
  input: LoginInput;
};


export type MutationChangePasswordArgs = {
  input: ChangePasswordInput;
};


export type MutationCreateApiTokenArgs = {
  input: CreateApiTokenInput;
};


export type MutationRevokeApiTokenArgs = {
  input: RevokeApiTokenInput;
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationUpdateUserArgs = {
  input: UpdateUserInput;
};


export type MutationDeleteUserArgs = {
  input: DeleteUserInput;
};


export type MutationCreateServerArgs = {
  input: CreateServerInput;
};


export type MutationUpdateServerArgs = {
  input: UpdateServerInput;
};


export type MutationDeleteServerArgs = {
  input: DeleteServerInput;
};


export type MutationRunContainerArgs = {
  input: RunContainerInput;
};


export type MutationStartContainerArgs = {
  input: ContainerInput;
};


export type MutationStopContainerArgs = {
  input: ContainerInput;
};


export type MutationRestartContainerArgs = {
  input: ContainerInput;
};


export type MutationRemoveContainerArgs = {
  input: ContainerInput;
};


export type MutationRunCommandArgs = {
  input: RunCommandInput;
};


export type MutationCancelOperationArgs = {
  input: CancelOperationInput;
};


export type MutationCreateStackArgs = {
  input: CreateStackInput;
};


export type MutationUpdateStackArgs = {
  input: UpdateStackInput;
};


export type MutationDeleteStackArgs = {
  input: DeleteStackInput;
};


export type MutationCloneStackRepoArgs = {
  stackId: Scalars['ID']['input'];
};


export type MutationPullStackRepoArgs = {
  stackId: Scalars['ID']['input'];
};


export type MutationRunStackScriptArgs = {
  stackId: Scalars['ID']['input'];
  script: Scalars['String']['input'];
};


export type MutationBuildStackArgs = {
  stackId: Scalars['ID']['input'];
};


export type MutationPushStackImageArgs = {
  stackId: Scalars['ID']['input'];
};


export type MutationDeployStackArgs = {
  stackId: Scalars['ID']['input'];
};


export type MutationRollbackStackArgs = {
  stackId: Scalars['ID']['input'];
  image: Scalars['String']['input'];
};


export type MutationRunPipelineArgs = {
  stackId: Scalars['ID']['input'];
};


export type MutationRotateStackWebhookSecretArgs = {
  stackId: Scalars['ID']['input'];
};


export type MutationCloneServerArgs = {
  sourceServerId: Scalars['ID']['input'];
  targetServerId: Scalars['ID']['input'];
};


export type MutationRemoveImageArgs = {
  input: RemoveImageInput;
};


export type MutationPruneImagesArgs = {
  input: PruneInput;
};


export type MutationRemoveVolumeArgs = {
  input: RemoveVolumeInput;
};


export type MutationPruneVolumesArgs = {
  input: PruneInput;
};


export type MutationRemoveNetworkArgs = {
  input: RemoveNetworkInput;
};


export type MutationPruneNetworksArgs = {
  input: PruneInput;
};


export type MutationStartContainerShellArgs = {
  input: StartContainerShellInput;
};


export type MutationSendShellInputArgs = {
  input: SendShellInputInput;
};


export type MutationResizeShellArgs = {
  input: ResizeShellInput;
};


export type MutationCloseShellArgs = {
  input: CloseShellInput;
};


export type MutationCreateAppArgs = {
  input: CreateAppInput;
};


export type MutationUpdateAppArgs = {
  input: UpdateAppInput;
};


export type MutationDeleteAppArgs = {
  input: DeleteAppInput;
};


export type MutationSaveAppGraphArgs = {
  input: SaveAppGraphInput;
};


export type MutationDeployAppArgs = {
  input: DeployAppInput;
};


export type MutationUndeployAppArgs = {
  input: UndeployAppInput;
};


export type MutationCreateComponentConfigArgs = {
  input: CreateComponentConfigInput;
};


export type MutationUpdateComponentConfigArgs = {
  input: UpdateComponentConfigInput;
};


export type MutationDeleteComponentConfigArgs = {
  input: DeleteComponentConfigInput;
};


export type MutationRegisterProbeArgs = {
  input: RegisterProbeInput;
};


export type MutationRevokeProbeArgs = {
  input: RevokeProbeInput;
};


export type MutationDeleteProbeArgs = {
  input: DeleteProbeInput;
};


export type MutationCreateMeasurementArgs = {
  input: CreateMeasurementInput;
};


export type MutationCancelMeasurementArgs = {
  input: CancelMeasurementInput;
};


export type MutationGrantCreditsArgs = {
  input: GrantCreditsInput;
};

export type Network = {
  __typename?: 'Network';
  id: Scalars['ID']['output'];
  serverId: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** `bridge`, `host`, `null`, `overlay`, `macvlan`… */
  driver: Scalars['String']['output'];
  /** `local` or `swarm`. */
  scope: Scalars['String']['output'];
  /** No route to the outside world. */
  internal: Scalars['Boolean']['output'];
  /** One of the engine's own networks, which cannot be removed. */
  predefined: Scalars['Boolean']['output'];
  /** Subnets in CIDR notation. */
  subnets: Array<Scalars['String']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  labels: Array<Label>;
};

/** A container attached to a network. */
export type NetworkContainer = {
  __typename?: 'NetworkContainer';
  containerId: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  ipv4Address?: Maybe<Scalars['String']['output']>;
  ipv6Address?: Maybe<Scalars['String']['output']>;
  macAddress?: Maybe<Scalars['String']['output']>;
};

/** Everything `network` shows. */
export type NetworkDetails = {
  __typename?: 'NetworkDetails';
  id: Scalars['ID']['output'];
  serverId: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** `bridge`, `host`, `null`, `overlay`, `macvlan`… */
  driver: Scalars['String']['output'];
  /** `local` or `swarm`. */
  scope: Scalars['String']['output'];
  /** No route to the outside world. */
  internal: Scalars['Boolean']['output'];
  /** One of the engine's own networks, which cannot be removed. */
  predefined: Scalars['Boolean']['output'];
  /** Subnets in CIDR notation. */
  subnets: Array<Scalars['String']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  labels: Array<Label>;
  gateways: Array<Scalars['String']['output']>;
  options: Array<Label>;
  containers: Array<NetworkContainer>;
};

/** A unit of work monitor did or is doing, with its output kept. */
export type Operation = {
  __typename?: 'Operation';
  kind: OperationKind;
  status: OperationStatus;
  trigger: OperationTrigger;
  /** What it works on, e.g. the command line. */
  target: Scalars['String']['output'];
  workingDirectory?: Maybe<Scalars['String']['output']>;
  /** Who started it. */
  actor: AuditActor;
  createdAt: Scalars['DateTime']['output'];
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  exitCode?: Maybe<Scalars['Int']['output']>;
  /** Why it failed, was cancelled or was interrupted. */
  error?: Maybe<Scalars['String']['output']>;
  /** Lines of output stored so far. */
  outputLines: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** The server it runs on; `null` for work that runs on none. */
  serverId?: Maybe<Scalars['ID']['output']>;
  /** The stack it works for, if any. */
  stackId?: Maybe<Scalars['ID']['output']>;
  /** The measurement it runs, if any. */
  measurementId?: Maybe<Scalars['ID']['output']>;
  /** The pipeline run this operation is a step of. */
  parentId?: Maybe<Scalars['ID']['output']>;
  /**
   * The server it runs on; `null` for work that runs on none, or a server since
   * removed.
   */
  server?: Maybe<Server>;
  /** The stack it works for, if any (and not since deleted). */
  stack?: Maybe<Stack>;
  /** The app it deploys or undeploys, if any. */
  appId?: Maybe<Scalars['ID']['output']>;
  /** The app it deploys or undeploys, if any (and not since deleted). */
  app?: Maybe<App>;
  /** The pipeline run this operation is a step of. */
  parent?: Maybe<Operation>;
};

export type OperationConnection = {
  __typename?: 'OperationConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<OperationEdge>;
  /** A list of nodes. */
  nodes: Array<Operation>;
};

/** An edge in a connection. */
export type OperationEdge = {
  __typename?: 'OperationEdge';
  /** The item at the end of the edge */
  node: Operation;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

export type OperationFilter = {
  statuses?: InputMaybe<Array<OperationStatus>>;
  kinds?: InputMaybe<Array<OperationKind>>;
  /** Operations that run on this server (commands, and the actions of its stacks). */
  serverId?: InputMaybe<Scalars['ID']['input']>;
  /** The actions of this stack. */
  stackId?: InputMaybe<Scalars['ID']['input']>;
  /** The deploys, reverts and undeploys of this app. */
  appId?: InputMaybe<Scalars['ID']['input']>;
  /** The runs of this measurement. */
  measurementId?: InputMaybe<Scalars['ID']['input']>;
  /** The steps of one pipeline run. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  /** Only operations that are not a step of a pipeline run (`true`), or only steps. */
  topLevel?: InputMaybe<Scalars['Boolean']['input']>;
};

/** The kind of work. */
export const OperationKind = {
  /** A shell command on a server. */
  Command: 'COMMAND',
  /** Cloning a stack's repository. */
  Clone: 'CLONE',
  /** Pulling a stack's branch. */
  Pull: 'PULL',
  /** Running one of a stack's repo scripts. */
  Script: 'SCRIPT',
  /** Building a stack's image. */
  Build: 'BUILD',
  /** Pushing a stack's image to the registry. */
  Push: 'PUSH',
  /** Creating (or replacing) a stack's container. */
  Deploy: 'DEPLOY',
  /** A stack's pipeline run; its steps are operations with this one as parent. */
  Pipeline: 'PIPELINE',
  /** Deploying (or reverting to) a version of an app on the cluster. */
  AppDeploy: 'APP_DEPLOY',
  /** Undeploying an app, keeping its resource. */
  AppUndeploy: 'APP_UNDEPLOY',
  /**
   * A measurement's runs on its probes, from creation until its last result,
   * cancellation, or a restart of monitor (which starts a new one).
   */
  Measurement: 'MEASUREMENT'
} as const;

export type OperationKind = typeof OperationKind[keyof typeof OperationKind];
/** Operations are listed by when they were created; newest first by default. */
export type OperationOrder = {
  field?: OperationOrderField;
  direction?: OrderDirection;
};

export const OperationOrderField = {
  CreatedAt: 'CREATED_AT'
} as const;

export type OperationOrderField = typeof OperationOrderField[keyof typeof OperationOrderField];
/** One line of an operation's output; `seq` counts from 0 and orders the lines. */
export type OperationOutputLine = {
  __typename?: 'OperationOutputLine';
  seq: Scalars['Int']['output'];
  stream: OutputStream;
  text: Scalars['String']['output'];
  timestamp: Scalars['DateTime']['output'];
};

export const OperationStatus = {
  Queued: 'QUEUED',
  Running: 'RUNNING',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  Cancelled: 'CANCELLED',
  /** monitor stopped (or crashed) while the operation ran. */
  Interrupted: 'INTERRUPTED'
} as const;

export type OperationStatus = typeof OperationStatus[keyof typeof OperationStatus];
/** What started an operation. */
export const OperationTrigger = {
  /** A person or script, through the API. */
  Manual: 'MANUAL',
  /** A git push, through a webhook. */
  Webhook: 'WEBHOOK',
  /** monitor itself, e.g. resuming a measurement after a restart. */
  System: 'SYSTEM'
} as const;

export type OperationTrigger = typeof OperationTrigger[keyof typeof OperationTrigger];
export const OrderDirection = {
  Asc: 'ASC',
  Desc: 'DESC'
} as const;

export type OrderDirection = typeof OrderDirection[keyof typeof OrderDirection];
export const OutputStream = {
  Stdout: 'STDOUT',
  Stderr: 'STDERR',
  /** Written by monitor itself, e.g. that output was truncated. */
  Monitor: 'MONITOR'
} as const;

export type OutputStream = typeof OutputStream[keyof typeof OutputStream];
/** Information about pagination in a connection */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** When paginating backwards, are there more items? */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** When paginating forwards, are there more items? */
  hasNextPage: Scalars['Boolean']['output'];
  /** When paginating backwards, the cursor to continue. */
  startCursor?: Maybe<Scalars['String']['output']>;
  /** When paginating forwards, the cursor to continue. */
  endCursor?: Maybe<Scalars['String']['output']>;
};

export type PingPacket = {
  __typename?: 'PingPacket';
  seq: Scalars['Int']['output'];
  rttMs?: Maybe<Scalars['Float']['output']>;
};

/** A ping's parameters; each left out takes its default. */
export type PingParamsInput = {
  /** 1 to 16 (3). */
  packets?: InputMaybe<Scalars['Int']['input']>;
  /** Payload bytes, 0 to 2,048 (48). */
  size?: InputMaybe<Scalars['Int']['input']>;
  /** 200 to 30,000 ms between packets (1,000). */
  intervalMs?: InputMaybe<Scalars['Int']['input']>;
  /** `ICMP` (default) or `TCP`. */
  protocol?: InputMaybe<Scalars['String']['input']>;
  /** TCP only, 1 to 65,535. */
  port?: InputMaybe<Scalars['Int']['input']>;
};

export const PingProtocol = {
  /** ICMP echo requests. */
  Icmp: 'ICMP',
  /** Timed TCP connects (the handshake's round trip). */
  Tcp: 'TCP'
} as const;

export type PingProtocol = typeof PingProtocol[keyof typeof PingProtocol];
export type PingResult = {
  __typename?: 'PingResult';
  protocol: PingProtocol;
  port?: Maybe<Scalars['Int']['output']>;
  /** One entry per packet sent, in order; no RTT when no reply came in time. */
  packets: Array<PingPacket>;
  sent: Scalars['Int']['output'];
  received: Scalars['Int']['output'];
  lossPercent: Scalars['Float']['output'];
  minMs?: Maybe<Scalars['Float']['output']>;
  avgMs?: Maybe<Scalars['Float']['output']>;
  maxMs?: Maybe<Scalars['Float']['output']>;
  /** The address pinged (the target, resolved when it is a name). */
  address: Scalars['String']['output'];
};

/** One step of a stack's pipeline. */
export type PipelineStep = {
  __typename?: 'PipelineStep';
  kind: PipelineStepKind;
  /** The repo script a SCRIPT step runs. */
  script?: Maybe<Scalars['String']['output']>;
};

export type PipelineStepInput = {
  kind: PipelineStepKind;
  /** The repo script a SCRIPT step runs. */
  script?: InputMaybe<Scalars['String']['input']>;
};

export const PipelineStepKind = {
  /** Clone the repo if it is not checked out yet, else pull the branch. */
  Pull: 'PULL',
  Build: 'BUILD',
  Push: 'PUSH',
  Deploy: 'DEPLOY',
  Script: 'SCRIPT'
} as const;

export type PipelineStepKind = typeof PipelineStepKind[keyof typeof PipelineStepKind];
export type PortMapping = {
  __typename?: 'PortMapping';
  /** The host address, when bound to one. */
  hostIp?: Maybe<Scalars['String']['output']>;
  hostPort?: Maybe<Scalars['Int']['output']>;
  containerPort: Scalars['Int']['output'];
  /** `tcp`, `udp` or `sctp`. */
  protocol: Scalars['String']['output'];
};

/** A probe: a `monitor probe` process somewhere, measuring the network for monitor. */
export type Probe = {
  __typename?: 'Probe';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  location: Location;
  tags: Array<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** When its token was revoked; a revoked probe cannot connect. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The `monitor` version it last said it runs. */
  softwareVersion?: Maybe<Scalars['String']['output']>;
  /** Its clock minus the server's at its last connect, in ms (NTP-style exchange). */
  clockOffsetMs?: Maybe<Scalars['Float']['output']>;
  /** Results it delivered, each counted once. */
  resultsDelivered: Scalars['Int']['output'];
  /** The user who registered it. */
  owner?: Maybe<User>;
  /** Whether it is connected now. */
  connected: Scalars['Boolean']['output'];
  /**
   * How many assignments it runs at once, as it last said; absent before it first
   * connected.
   */
  capacity?: Maybe<Scalars['Int']['output']>;
  /** How many assignments it holds now (at most its capacity); 0 when disconnected. */
  inUse: Scalars['Int']['output'];
  /** When monitor last heard from it: now while it is connected. */
  lastSeenAt?: Maybe<Scalars['DateTime']['output']>;
  /** Since when it is connected, while it is. */
  connectedSince?: Maybe<Scalars['DateTime']['output']>;
};

/** One probe's part of a measurement, as users read it. */
export type ProbeAssignment = {
  __typename?: 'ProbeAssignment';
  id: Scalars['ID']['output'];
  status: AssignmentStatus;
  resultsDelivered: Scalars['Int']['output'];
  resultsExpected: Scalars['Int']['output'];
  /** Why its probe refused it, when it did. */
  reason?: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  /** The probe; `null` once deleted. */
  probe?: Maybe<Probe>;
};

export type ProbeConnection = {
  __typename?: 'ProbeConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<ProbeEdge>;
  /** A list of nodes. */
  nodes: Array<Probe>;
};

/** An edge in a connection. */
export type ProbeEdge = {
  __typename?: 'ProbeEdge';
  /** The item at the end of the edge */
  node: Probe;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** Which probes a list shows; every condition given must hold. */
export type ProbeFilter = {
  /** Probes connected now (true) or not (false). */
  connected?: InputMaybe<Scalars['Boolean']['input']>;
  /** Probes carrying every one of these tags. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Probes registered by this user. */
  ownerId?: InputMaybe<Scalars['ID']['input']>;
  /** Include revoked probes (left out by default). */
  includeRevoked?: Scalars['Boolean']['input'];
};

/** One probe's measurement of one target in one run. */
export type ProbeResult = {
  __typename?: 'ProbeResult';
  /** Its key, `assignmentId/run/target`: a result sent again has the same one. */
  id: Scalars['ID']['output'];
  measurementId: Scalars['ID']['output'];
  probeId: Scalars['ID']['output'];
  target: Scalars['String']['output'];
  /** The run of the schedule (from 0). */
  run: Scalars['Int']['output'];
  kind: MeasurementKind;
  /** When it was measured, on the server's clock (the probe's time plus its offset). */
  measuredAt: Scalars['DateTime']['output'];
  /** When it was measured, on the probe's clock. */
  probeTime: Scalars['DateTime']['output'];
  /** The probe's clock offset then (server minus probe), in ms. */
  clockOffsetMs: Scalars['Float']['output'];
  receivedAt: Scalars['DateTime']['output'];
  /** Why nothing was measured (the name did not resolve, the port was closed…). */
  error?: Maybe<Scalars['String']['output']>;
  /**
   * The headline time in ms: a ping's average RTT, the last hop's RTT, the DNS
   * answer's time, the HTTP total.
   */
  rttMs?: Maybe<Scalars['Float']['output']>;
  ping?: Maybe<PingResult>;
  traceroute?: Maybe<TracerouteResult>;
  dns?: Maybe<DnsResult>;
  http?: Maybe<HttpResult>;
  /** The probe that measured; `null` once deleted. */
  probe?: Maybe<Probe>;
  /** The result as the probe sent it (JSON). */
  raw?: Maybe<Scalars['JSON']['output']>;
};

export type ProbeResultConnection = {
  __typename?: 'ProbeResultConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<ProbeResultEdge>;
  /** A list of nodes. */
  nodes: Array<ProbeResult>;
};

/** An edge in a connection. */
export type ProbeResultEdge = {
  __typename?: 'ProbeResultEdge';
  /** The item at the end of the edge */
  node: ProbeResult;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/**
 * Either probes by id, or a count of probes chosen among the connected ones that
 * carry the tags and stand in the area; the least busy are chosen first.
 */
export type ProbeSelectionInput = {
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
  count?: InputMaybe<Scalars['Int']['input']>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  area?: InputMaybe<AreaInput>;
};

/** A change to one probe. */
export type ProbeUpdate = {
  __typename?: 'ProbeUpdate';
  probeId: Scalars['ID']['output'];
  /** The probe now; `null` once it is deleted. */
  probe?: Maybe<Probe>;
};

/** A server whose unused images, volumes or networks go. */
export type PruneInput = {
  serverId: Scalars['ID']['input'];
};

/** What a prune removed, and the disk space it gave back. */
export type PruneResult = {
  __typename?: 'PruneResult';
  serverId: Scalars['ID']['output'];
  /** The ids (images, networks) or names (volumes) of what was removed. */
  removed: Array<Scalars['String']['output']>;
  /** Bytes the engine reports as freed (networks take none). */
  spaceReclaimedBytes: Scalars['Float']['output'];
};

export type Query = {
  __typename?: 'Query';
  /**
   * Overall status and one entry per component. Needs no token, so that monitoring
   * can watch monitor.
   */
  health: Health;
  /** The user the request's token belongs to. */
  viewer: User;
  /** Every user, in the order they were created. */
  users: UserConnection;
  user?: Maybe<User>;
  /** The viewer's own API tokens, revoked ones included, oldest first. */
  apiTokens: ApiTokenConnection;
  /** Every recorded action, newest first unless `orderBy` says otherwise. */
  auditEvents: AuditEventConnection;
  /**
   * Every server, in the order they were added. Read from memory, which every
   * change made through monitor updates before it answers: a change shows in the
   * next read.
   */
  servers: ServerConnection;
  server?: Maybe<Server>;
  /**
   * Containers of one server, or of every server when `serverId` is left out, sorted
   * by server then name. A server that cannot be reached adds an `UNAVAILABLE`
   * error (with its id in `extensions.serverId`) and the others still answer.
   */
  containers: Array<Container>;
  /** One container, inspected. */
  container: ContainerDetails;
  operation?: Maybe<Operation>;
  /** Every operation, newest first unless `orderBy` says otherwise. */
  operations: OperationConnection;
  /**
   * Every stack, in the order they were created; `serverId` keeps one server's.
   * Read from memory, which every change made through monitor updates before it
   * answers: a change shows in the next read.
   */
  stacks: StackConnection;
  stack?: Maybe<Stack>;
  /** The backups monitor took by itself, newest first, ready for `monitor restore`. */
  scheduledBackups: ScheduledBackups;
  /**
   * A server's tagged and dangling images (not the intermediate layers of builds),
   * tagged ones first, by reference.
   */
  images: Array<Image>;
  /** One image, by id (`sha256:…`, or a prefix of its hex) or reference. */
  image: ImageDetails;
  /** A server's volumes, by name. */
  volumes: Array<Volume>;
  volume: Volume;
  /** A server's networks, by name. */
  networks: Array<Network>;
  /** One network, by id or name, with the containers attached to it. */
  network: NetworkDetails;
  /** Every app monitor knows, by namespace and name unless `orderBy` says otherwise. */
  apps: AppConnection;
  app?: Maybe<App>;
  /** Version `version` of an app. */
  appVersion?: Maybe<AppVersion>;
  /** What changed from version `from` to version `to` of an app. */
  appVersionDiff: AppGraphDiff;
  /** What changed from version `from` of an app to what is live in the cluster now. */
  appLiveDiff: AppGraphDiff;
  /** The component catalog, in the order configs were added; `type` keeps one type. */
  componentConfigs: ComponentConfigConnection;
  componentConfig?: Maybe<ComponentConfig>;
  /** Probes in the order they were registered (revoked ones only when asked). */
  probes: ProbeConnection;
  probe?: Maybe<Probe>;
  /** Measurements, newest first. */
  measurements: MeasurementConnection;
  /**
   * What a measurement would cost the caller, from the same input as
   * `createMeasurement` (checked the same way); nothing is reserved.
   */
  measurementQuote: MeasurementQuote;
  measurement?: Maybe<Measurement>;
  /** A user's balance: the caller's when `userId` is left out. */
  credits: CreditBalance;
  /**
   * A user's credit movements, newest first: the caller's when `userId` is left out.
   * Their amounts always add up to the balance.
   */
  creditLedger: CreditEntryConnection;
};


export type QueryUsersArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


export type QueryApiTokensArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


export type QueryAuditEventsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditEventFilter>;
  orderBy?: InputMaybe<AuditEventOrder>;
};


export type QueryServersArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


export type QueryServerArgs = {
  id: Scalars['ID']['input'];
};


export type QueryContainersArgs = {
  serverId?: InputMaybe<Scalars['ID']['input']>;
  filter?: InputMaybe<ContainerFilter>;
};


export type QueryContainerArgs = {
  serverId: Scalars['ID']['input'];
  id: Scalars['ID']['input'];
};


export type QueryOperationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryOperationsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<OperationFilter>;
  orderBy?: InputMaybe<OperationOrder>;
};


export type QueryStacksArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  serverId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryStackArgs = {
  id: Scalars['ID']['input'];
};


export type QueryImagesArgs = {
  serverId: Scalars['ID']['input'];
};


export type QueryImageArgs = {
  serverId: Scalars['ID']['input'];
  id: Scalars['String']['input'];
};


export type QueryVolumesArgs = {
  serverId: Scalars['ID']['input'];
};


export type QueryVolumeArgs = {
  serverId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
};


export type QueryNetworksArgs = {
  serverId: Scalars['ID']['input'];
};


export type QueryNetworkArgs = {
  serverId: Scalars['ID']['input'];
  id: Scalars['String']['input'];
};


export type QueryAppsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AppFilter>;
  orderBy?: InputMaybe<AppOrder>;
};


export type QueryAppArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAppVersionArgs = {
  appId: Scalars['ID']['input'];
  version: Scalars['Int']['input'];
};


export type QueryAppVersionDiffArgs = {
  appId: Scalars['ID']['input'];
  from: Scalars['Int']['input'];
  to: Scalars['Int']['input'];
};


export type QueryAppLiveDiffArgs = {
  appId: Scalars['ID']['input'];
  from: Scalars['Int']['input'];
};


export type QueryComponentConfigsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
};


export type QueryComponentConfigArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProbesArgs = {
  filter?: InputMaybe<ProbeFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


export type QueryProbeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryMeasurementsArgs = {
  filter?: InputMaybe<MeasurementFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


export type QueryMeasurementQuoteArgs = {
  input: CreateMeasurementInput;
};


export type QueryMeasurementArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCreditsArgs = {
  userId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryCreditLedgerArgs = {
  userId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

export const Reachability = {
  /** Not checked yet since monitor started or the server changed. */
  Connecting: 'CONNECTING',
  Reachable: 'REACHABLE',
  Unreachable: 'UNREACHABLE'
} as const;

export type Reachability = typeof Reachability[keyof typeof Reachability];
export type RegisterProbeInput = {
  /** How people will know it, e.g. `fra-1`; unique. */
  name: Scalars['String']['input'];
  location: LocationInput;
  /** Labels to choose probes by, e.g. `eu`, `isp-a`. */
  tags?: Array<Scalars['String']['input']>;
};

export type RegisteredProbe = {
  __typename?: 'RegisteredProbe';
  /**
   * The probe's token, shown this once: put it in the file `monitor probe
   * --token-file` reads. It is stored only as a hash.
   */
  token: Scalars['String']['output'];
  probe: Probe;
};

/** Names an image on a server, for `removeImage`. */
export type RemoveImageInput = {
  serverId: Scalars['ID']['input'];
  /** The image's id (`sha256:…` or a prefix of its hex) or a reference (`name:tag`). */
  image: Scalars['String']['input'];
  /** Removes the image even when stopped containers use it or it has several tags. */
  force?: Scalars['Boolean']['input'];
};

/** Names a network on a server, for `removeNetwork`. */
export type RemoveNetworkInput = {
  serverId: Scalars['ID']['input'];
  /** The network's id or name. */
  network: Scalars['String']['input'];
};

/** Names a volume on a server, for `removeVolume`. */
export type RemoveVolumeInput = {
  serverId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  /** Removes the volume even if the engine's driver reports an error for it. */
  force?: Scalars['Boolean']['input'];
};

export type RepoScript = {
  __typename?: 'RepoScript';
  name: Scalars['String']['output'];
  command: Scalars['String']['output'];
};

export type RepoScriptInput = {
  name: Scalars['String']['input'];
  command: Scalars['String']['input'];
};

export type ResizeShellInput = {
  sessionId: Scalars['ID']['input'];
  cols: Scalars['Int']['input'];
  rows: Scalars['Int']['input'];
};

/** Which results a page shows; every condition given must hold. */
export type ResultFilter = {
  probeId?: InputMaybe<Scalars['ID']['input']>;
  target?: InputMaybe<Scalars['String']['input']>;
  /** Measured at or after this time (server clock). */
  since?: InputMaybe<Scalars['DateTime']['input']>;
  /** Measured before this time. */
  until?: InputMaybe<Scalars['DateTime']['input']>;
};

/** What one probe (`probeId`), or one target (`target`), delivered. */
export type ResultSummary = {
  __typename?: 'ResultSummary';
  probeId?: Maybe<Scalars['ID']['output']>;
  target?: Maybe<Scalars['String']['output']>;
  results: Scalars['Int']['output'];
  /** Results that carry an error instead of a measurement. */
  errors: Scalars['Int']['output'];
  /** Over the headline times (`ProbeResult.rttMs`). */
  minRttMs?: Maybe<Scalars['Float']['output']>;
  avgRttMs?: Maybe<Scalars['Float']['output']>;
  maxRttMs?: Maybe<Scalars['Float']['output']>;
  lastMeasuredAt?: Maybe<Scalars['DateTime']['output']>;
  /** The probe, for a per-probe summary. */
  probe?: Maybe<Probe>;
};

export type RevokeApiTokenInput = {
  id: Scalars['ID']['input'];
};

export type RevokeProbeInput = {
  id: Scalars['ID']['input'];
};

/** What a user may do. Each role includes everything the roles below it may do. */
export const Role = {
  /** Reads everything except users and secrets. */
  Viewer: 'VIEWER',
  /** Also acts: deploys, runs, starts and stops. */
  Operator: 'OPERATOR',
  /** Also manages users, tokens of others, backups and the store. */
  Admin: 'ADMIN'
} as const;

export type Role = typeof Role[keyof typeof Role];
export type RunCommandInput = {
  serverId: Scalars['ID']['input'];
  /** Run by `sh -c` on the server. */
  command: Scalars['String']['input'];
  /** An absolute path; the server's root directory when left out. */
  workingDirectory?: InputMaybe<Scalars['String']['input']>;
};

export type RunContainerInput = {
  serverId: Scalars['ID']['input'];
  /** The container's name: letters, digits, `_`, `.` and `-`, at least 2 characters. */
  name: Scalars['String']['input'];
  /** An image reference, e.g. `nginx:1.27`, `registry.local:5000/team/api@sha256:…`. */
  image: Scalars['String']['input'];
  /** Replaces the image's command. */
  command?: InputMaybe<Array<Scalars['String']['input']>>;
  /** `KEY=value` entries. */
  env?: InputMaybe<Array<Scalars['String']['input']>>;
  /**
   * `containerPort`, `hostPort:containerPort` or `ip:hostPort:containerPort`, each
   * with an optional `/tcp`, `/udp` or `/sctp`.
   */
  ports?: InputMaybe<Array<Scalars['String']['input']>>;
  /** `/host/path:/container/path` or `volume-name:/container/path`, with optional `:ro`/`:rw`. */
  volumes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** `host`, `none`, `bridge` or a network's name. */
  network?: InputMaybe<Scalars['String']['input']>;
  /** `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`. */
  restartPolicy?: InputMaybe<Scalars['String']['input']>;
  labels?: InputMaybe<Array<LabelInput>>;
};

export type SaveAppGraphInput = {
  appId: Scalars['ID']['input'];
  graph: Scalars['JSON']['input'];
  /** What changed, for the version history. */
  message?: InputMaybe<Scalars['String']['input']>;
};

/** The scheduled backups, and where and how often they are taken. */
export type ScheduledBackups = {
  __typename?: 'ScheduledBackups';
  /** The directory backups are written to. */
  directory: Scalars['String']['output'];
  /** How often a backup is taken (`backup.every`); none when scheduling is off. */
  every?: Maybe<Scalars['String']['output']>;
  /** How many are kept (`backup.keep`). */
  keep: Scalars['Int']['output'];
  /** The backups in the directory, newest first. */
  backups: Array<StoredBackup>;
};

export type SendShellInputInput = {
  sessionId: Scalars['ID']['input'];
  /** Keystrokes or pasted text, as the terminal sends them. */
  data: Scalars['String']['input'];
};

/** A host monitor deploys to and watches. */
export type Server = {
  __typename?: 'Server';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** `unix:///var/run/docker.sock`, `tcp://host:port`, `agent+http(s)://host:port`. */
  endpoint: Scalars['String']['output'];
  /** Whether an agent token is set; the token itself is never shown. */
  hasAgentToken: Scalars['Boolean']['output'];
  /** Where commands run by default, and where stacks are checked out. */
  rootDirectory?: Maybe<Scalars['String']['output']>;
  tags: Array<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** What monitor last saw of this server (refreshed in the background). */
  state: ServerState;
  /**
   * This server's containers. While monitor follows the engine's container events,
   * the list is kept from one read to the next and renewed by each event, by each
   * change made through monitor (seen at once, even before its event) and by each
   * server check (so `statusText` is at most one check old); otherwise it is read
   * from the engine. `null` with an `UNAVAILABLE` error while the server cannot be
   * reached (never a list from before): its `state` says since when and why, and
   * other servers still answer.
   */
  containers?: Maybe<Array<Container>>;
};


/** A host monitor deploys to and watches. */
export type ServerContainersArgs = {
  filter?: InputMaybe<ContainerFilter>;
};

export type ServerConnection = {
  __typename?: 'ServerConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<ServerEdge>;
  /** A list of nodes. */
  nodes: Array<Server>;
};

/** An edge in a connection. */
export type ServerEdge = {
  __typename?: 'ServerEdge';
  /** The item at the end of the edge */
  node: Server;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** What monitor last saw of a server; refreshed in the background. */
export type ServerState = {
  __typename?: 'ServerState';
  reachability: Reachability;
  /** The Docker engine's version, e.g. `20.10.24`. */
  dockerVersion?: Maybe<Scalars['String']['output']>;
  dockerApiVersion?: Maybe<Scalars['String']['output']>;
  operatingSystem?: Maybe<Scalars['String']['output']>;
  containers: ContainerCounts;
  host?: Maybe<HostStats>;
  /** When the engine last answered. */
  lastContactAt?: Maybe<Scalars['DateTime']['output']>;
  /** Why the last check failed, while it is failing. */
  lastError?: Maybe<Scalars['String']['output']>;
  checkedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** What the terminal wrote, or, last, that the session ended. */
export type ShellOutput = {
  __typename?: 'ShellOutput';
  /**
   * The bytes the terminal wrote, base64-encoded (a chunk may end inside a UTF-8
   * character, so bytes, not text); empty on the last message.
   */
  data: Scalars['String']['output'];
  /** True on the last message of the stream. */
  ended: Scalars['Boolean']['output'];
  /** On the last message: why the session ended. */
  reason?: Maybe<Scalars['String']['output']>;
  /** On the last message, when the command exited by itself: its exit code. */
  exitCode?: Maybe<Scalars['Int']['output']>;
};

/** A shell session as GraphQL shows it. */
export type ShellSession = {
  __typename?: 'ShellSession';
  id: Scalars['ID']['output'];
  serverId: Scalars['ID']['output'];
  containerId: Scalars['ID']['output'];
  containerName: Scalars['String']['output'];
  command: Array<Scalars['String']['output']>;
  cols: Scalars['Int']['output'];
  rows: Scalars['Int']['output'];
  startedAt: Scalars['DateTime']['output'];
};

/** Something monitor runs and watches, from source to container. */
export type Stack = {
  __typename?: 'Stack';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  serverId: Scalars['ID']['output'];
  /** Who created it. */
  owner: AuditActor;
  repo?: Maybe<StackRepo>;
  build?: Maybe<StackBuild>;
  deploy?: Maybe<StackDeploy>;
  pipeline: Array<PipelineStep>;
  /** The commit checked out by the last clone or pull. */
  commit?: Maybe<Scalars['String']['output']>;
  /** The image the last successful build produced. */
  builtImage?: Maybe<Scalars['String']['output']>;
  /** The image the last successful deploy ran. */
  deployedImage?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  updatedAt: Scalars['DateTime']['output'];
  server?: Maybe<Server>;
  /**
   * The operation the stack's last action or pipeline run started (a run, not its
   * steps); `null` before the first.
   */
  lastOperation?: Maybe<Operation>;
  /** What can be done with this stack now; the client shows only these. */
  availableActions: Array<StackAction>;
  /**
   * The stack's containers on its server, as the server's engine events keep them
   * (see `Server.containers`); `null` with an `UNAVAILABLE` error while the server
   * cannot be reached.
   */
  containers?: Maybe<Array<Container>>;
  /**
   * The stack's images in the registry, to deploy or roll back to; `null` with an
   * `UNAVAILABLE` error when the registry does not answer.
   */
  images?: Maybe<Array<StackImage>>;
  /**
   * Where the stack's builds are pushed (`host:port/<stack>`); `null` while monitor
   * has no registry (no `registry.url`, and no local engine with
   * `registry.managed_image` to run one on): builds then stay on the server that
   * built them, with nothing to push or roll back to.
   */
  registryRepository?: Maybe<Scalars['String']['output']>;
  /** Where a git host posts pushes: `POST` this path on monitor's address. */
  webhookPath: Scalars['String']['output'];
  /**
   * The secret git hosts sign deliveries with; `null` with a `FORBIDDEN` error for
   * viewers.
   */
  webhookSecret?: Maybe<Scalars['String']['output']>;
};

/** What can be done with a stack, given its configuration. */
export const StackAction = {
  Clone: 'CLONE',
  Pull: 'PULL',
  RunScript: 'RUN_SCRIPT',
  Build: 'BUILD',
  Push: 'PUSH',
  Deploy: 'DEPLOY',
  Rollback: 'ROLLBACK',
  RunPipeline: 'RUN_PIPELINE'
} as const;

export type StackAction = typeof StackAction[keyof typeof StackAction];
export type StackBuild = {
  __typename?: 'StackBuild';
  /** The build context, relative to the repository's root. */
  path: Scalars['String']['output'];
  /** The Dockerfile, relative to the build context. */
  dockerfile: Scalars['String']['output'];
  args: Array<KeyValue>;
  /** Names of repo scripts run, in order, before each build. */
  preBuildScripts: Array<Scalars['String']['output']>;
  /** Network for `RUN` steps: `default`, `host` or `none`. */
  networkMode: Scalars['String']['output'];
};

export type StackBuildInput = {
  path?: Scalars['String']['input'];
  dockerfile?: Scalars['String']['input'];
  args?: Array<KeyValueInput>;
  preBuildScripts?: Array<Scalars['String']['input']>;
  /** `default`, `host` or `none`. */
  networkMode?: Scalars['String']['input'];
};

export type StackConnection = {
  __typename?: 'StackConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<StackEdge>;
  /** A list of nodes. */
  nodes: Array<Stack>;
};

export type StackDeploy = {
  __typename?: 'StackDeploy';
  /** A prebuilt image to run; when absent, the stack's latest build. */
  image?: Maybe<Scalars['String']['output']>;
  ports: Array<Scalars['String']['output']>;
  volumes: Array<Scalars['String']['output']>;
  network?: Maybe<Scalars['String']['output']>;
  restartPolicy?: Maybe<Scalars['String']['output']>;
  /** Arguments after the image (the container's command). */
  command: Array<Scalars['String']['output']>;
  /** Lines of the container's log shown with the stack. */
  logTail: Scalars['Int']['output'];
  /**
   * The container's environment as `NAME=value`. Values are secret by default: a
   * reader below OPERATOR sees `NAME=••••••`.
   */
  env: Array<Scalars['String']['output']>;
};

export type StackDeployInput = {
  image?: InputMaybe<Scalars['String']['input']>;
  ports?: Array<Scalars['String']['input']>;
  volumes?: Array<Scalars['String']['input']>;
  network?: InputMaybe<Scalars['String']['input']>;
  restartPolicy?: InputMaybe<Scalars['String']['input']>;
  env?: Array<Scalars['String']['input']>;
  command?: Array<Scalars['String']['input']>;
  logTail?: Scalars['Int']['input'];
};

/** An edge in a connection. */
export type StackEdge = {
  __typename?: 'StackEdge';
  /** The item at the end of the edge */
  node: Stack;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** An image of a stack in the registry. */
export type StackImage = {
  __typename?: 'StackImage';
  /** The full reference to deploy, e.g. `registry:5000/api:3f2a9c1d0e4b`. */
  reference: Scalars['String']['output'];
  tag: Scalars['String']['output'];
  /** The manifest's digest, e.g. `sha256:…`. */
  digest?: Maybe<Scalars['String']['output']>;
};

export type StackRepo = {
  __typename?: 'StackRepo';
  /** `https://…`, `ssh://…`, `git@host:path`, `file://…` or an absolute path. */
  url: Scalars['String']['output'];
  branch: Scalars['String']['output'];
  cloneOn: CloneLocation;
  /** Named shell commands run in the repository's root. */
  scripts: Array<RepoScript>;
};

export type StackRepoInput = {
  url: Scalars['String']['input'];
  branch?: Scalars['String']['input'];
  cloneOn?: CloneLocation;
  scripts?: Array<RepoScriptInput>;
};

export type StartContainerShellInput = {
  serverId: Scalars['ID']['input'];
  /** The container's id or name; it must be running. */
  containerId: Scalars['ID']['input'];
  /** What to run, as an argument list; `["/bin/sh"]` when left out. */
  command?: InputMaybe<Array<Scalars['String']['input']>>;
  /** The terminal's size in characters. */
  cols?: Scalars['Int']['input'];
  rows?: Scalars['Int']['input'];
};

/** A backup file in the backup directory. */
export type StoredBackup = {
  __typename?: 'StoredBackup';
  /** The file's name in the backup directory. */
  name: Scalars['String']['output'];
  /** Its full path, for `monitor restore`. */
  path: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  sizeBytes: Scalars['Int']['output'];
};

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Each new audit event that matches `filter`, as it is committed. A subscriber that
   * falls too far behind gets one `LAGGED` error saying how many it missed, then goes on.
   */
  auditEventAdded: AuditEvent;
  /**
   * Container changes as engines report them (created, started, died, health
   * changes, removed): one server's, or, without `serverId`, every server's.
   */
  containerEvents: ContainerEvent;
  /**
   * A container's log: the last `tail` lines (or all since `since`), then, with
   * `follow`, each new line as the engine produces it, until the container stops.
   * A subscriber that falls behind gets a `LAGGED` error saying how many lines it
   * missed, and the stream goes on.
   */
  containerLogs: LogLine;
  /**
   * A running container's CPU, memory and network use, about once a second, from
   * the engine's stats stream (one per container, shared by every subscriber). Ends
   * when the container stops, at once for one that is not running.
   */
  containerStats: ContainerStats;
  /**
   * Operations as they are created (RUNNING or QUEUED), start and end, e.g. to keep
   * a history live. A subscriber that falls behind gets a `LAGGED` error and goes on.
   */
  operationUpdated: Operation;
  /**
   * The operation's output: what is stored so far, then new lines as they come,
   * until the operation ends (the stream then completes). Each message is a batch of
   * lines in order (at most 1,000): the backlog first, then whatever arrived since
   * the previous message. A quiet operation's lines come one per message.
   */
  operationOutput: Array<OperationOutputLine>;
  /**
   * What a shell's terminal writes, as it writes it; the last message has `ended`
   * and says why. One subscriber per session; ending the subscription ends the
   * session.
   */
  shellOutput: ShellOutput;
  /**
   * A probe each time it is registered, connects, disconnects, its load changes, or
   * it is revoked or deleted (then it comes as it was last stored, or `null` once
   * deleted). With `id`, only that probe.
   */
  probeUpdated: ProbeUpdate;
  /**
   * Each result of the measurement as it is stored. A subscriber that falls behind
   * gets a `LAGGED` error and goes on (the results query has them all).
   */
  measurementResults: ProbeResult;
  /**
   * A user's balance now, then again after each movement of it (a grant, a
   * measurement's reservation or the release of what it did not use, a probe's
   * earning): the caller's when `userId` is left out. A subscriber that falls behind
   * gets a `LAGGED` error and goes on (`creditLedger` has every movement).
   */
  creditsChanged: CreditBalanceChange;
  /**
   * Each change to an app's status, liveness or drift, as monitor sees it: one app's,
   * or, without `appId`, every app's. A subscriber that falls too far behind gets one
   * `LAGGED` error saying how many it missed, then goes on.
   */
  appStatusChanged: App;
};


export type SubscriptionAuditEventAddedArgs = {
  filter?: InputMaybe<AuditEventFilter>;
};


export type SubscriptionContainerEventsArgs = {
  serverId?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionContainerLogsArgs = {
  serverId: Scalars['ID']['input'];
  containerId: Scalars['ID']['input'];
  tail?: Scalars['Int']['input'];
  since?: InputMaybe<Scalars['DateTime']['input']>;
  follow?: Scalars['Boolean']['input'];
};


export type SubscriptionContainerStatsArgs = {
  serverId: Scalars['ID']['input'];
  containerId: Scalars['ID']['input'];
};


export type SubscriptionOperationUpdatedArgs = {
  filter?: InputMaybe<OperationFilter>;
};


export type SubscriptionOperationOutputArgs = {
  operationId: Scalars['ID']['input'];
};


export type SubscriptionShellOutputArgs = {
  sessionId: Scalars['ID']['input'];
};


export type SubscriptionProbeUpdatedArgs = {
  id?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionMeasurementResultsArgs = {
  measurementId: Scalars['ID']['input'];
};


export type SubscriptionCreditsChangedArgs = {
  userId?: InputMaybe<Scalars['ID']['input']>;
};


export type SubscriptionAppStatusChangedArgs = {
  appId?: InputMaybe<Scalars['ID']['input']>;
};

export type TracerouteHop = {
  __typename?: 'TracerouteHop';
  /** The TTL the packets of this hop were sent with. */
  ttl: Scalars['Int']['output'];
  /** One entry per packet; without an address when it timed out. */
  replies: Array<TracerouteReply>;
};

/** A traceroute's parameters; each left out takes its default. */
export type TracerouteParamsInput = {
  /** `ICMP` (default), `UDP` or `TCP`. */
  protocol?: InputMaybe<Scalars['String']['input']>;
  /** 1 to 255 (1). */
  firstHop?: InputMaybe<Scalars['Int']['input']>;
  /** 1 to 255 (30). */
  maxHops?: InputMaybe<Scalars['Int']['input']>;
  /** 1 to 16 (3). */
  packetsPerHop?: InputMaybe<Scalars['Int']['input']>;
  /** 0 to 2,048 bytes. */
  size?: InputMaybe<Scalars['Int']['input']>;
  /** UDP and TCP only, 1 to 65,535. */
  port?: InputMaybe<Scalars['Int']['input']>;
  /** Per hop, 1 to 60,000 ms (4,000). */
  timeoutMs?: InputMaybe<Scalars['Int']['input']>;
  /** 0 to 64. */
  parisId?: InputMaybe<Scalars['Int']['input']>;
};

export const TracerouteProtocol = {
  Icmp: 'ICMP',
  Udp: 'UDP',
  Tcp: 'TCP'
} as const;

export type TracerouteProtocol = typeof TracerouteProtocol[keyof typeof TracerouteProtocol];
export type TracerouteReply = {
  __typename?: 'TracerouteReply';
  rttMs?: Maybe<Scalars['Float']['output']>;
  /** Who answered; `null` when the packet timed out. */
  from?: Maybe<Scalars['String']['output']>;
};

export type TracerouteResult = {
  __typename?: 'TracerouteResult';
  protocol: TracerouteProtocol;
  port?: Maybe<Scalars['Int']['output']>;
  parisId: Scalars['Int']['output'];
  /** Whether the destination itself answered. */
  reached: Scalars['Boolean']['output'];
  hops: Array<TracerouteHop>;
  /** The destination (the target, resolved when it is a name). */
  address: Scalars['String']['output'];
};

export type UndeployAppInput = {
  appId: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to an app; absent fields stay as they are. */
export type UpdateAppInput = {
  id: Scalars['ID']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  /** The whole new set of labels. */
  labels?: InputMaybe<Array<AppLabelInput>>;
  autoRevert?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Changes to a config; absent fields stay as they are. Each change is a new version. */
export type UpdateComponentConfigInput = {
  id: Scalars['ID']['input'];
  title?: InputMaybe<Scalars['String']['input']>;
  config?: InputMaybe<Scalars['JSON']['input']>;
  type?: InputMaybe<Scalars['String']['input']>;
  nodeType?: InputMaybe<Scalars['String']['input']>;
  /** What changed; "updated" when absent. */
  message?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a server; absent fields stay as they are, `null` clears an optional one. */
export type UpdateServerInput = {
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  endpoint?: InputMaybe<Scalars['String']['input']>;
  agentToken?: InputMaybe<Scalars['String']['input']>;
  rootDirectory?: InputMaybe<Scalars['String']['input']>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

/**
 * Changes to a stack: a field left out stays as it is; `repo`, `build` or `deploy`
 * set to null removes that part.
 */
export type UpdateStackInput = {
  id: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  serverId?: InputMaybe<Scalars['ID']['input']>;
  repo?: InputMaybe<StackRepoInput>;
  build?: InputMaybe<StackBuildInput>;
  deploy?: InputMaybe<StackDeployInput>;
  pipeline?: InputMaybe<Array<PipelineStepInput>>;
};

/** Changes to a user; fields left out stay as they are. */
export type UpdateUserInput = {
  id: Scalars['ID']['input'];
  username?: InputMaybe<Scalars['String']['input']>;
  password?: InputMaybe<Scalars['String']['input']>;
  role?: InputMaybe<Role>;
};

/** A person (or a script acting for one) who signs in to monitor. */
export type User = {
  __typename?: 'User';
  id: Scalars['ID']['output'];
  username: Scalars['String']['output'];
  role: Role;
  createdAt: Scalars['DateTime']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type UserConnection = {
  __typename?: 'UserConnection';
  /** Information to aid in pagination. */
  pageInfo: PageInfo;
  /** A list of edges. */
  edges: Array<UserEdge>;
  /** A list of nodes. */
  nodes: Array<User>;
};

/** An edge in a connection. */
export type UserEdge = {
  __typename?: 'UserEdge';
  /** The item at the end of the edge */
  node: User;
  /** A cursor for use in pagination */
  cursor: Scalars['String']['output'];
};

/** Where a version came from. */
export const VersionSource = {
  /** Saved through monitor. */
  Monitor: 'MONITOR',
  /** Found in the cluster: someone changed the resource outside monitor. */
  Cluster: 'CLUSTER'
} as const;

export type VersionSource = typeof VersionSource[keyof typeof VersionSource];
export type Volume = {
  __typename?: 'Volume';
  name: Scalars['String']['output'];
  serverId: Scalars['ID']['output'];
  /** `local` for the engine's own volumes. */
  driver: Scalars['String']['output'];
  /** Where the volume's data lives on the server. */
  mountpoint: Scalars['String']['output'];
  /**
   * Whether any container (running or not) mounts it; unused volumes are what
   * `pruneVolumes` removes.
   */
  inUse: Scalars['Boolean']['output'];
  /**
   * The space its data takes, from the engine's disk-usage report; absent when the
   * report could not be had in time.
   */
  sizeBytes?: Maybe<Scalars['Float']['output']>;
  createdAt?: Maybe<Scalars['DateTime']['output']>;
  labels: Array<Label>;
  /** The driver's options, e.g. `type`, `device` for a bind-backed local volume. */
  options: Array<Label>;
};
