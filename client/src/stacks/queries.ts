// GraphQL documents and types of stacks: the list, one stack's configuration and state,
// its registry images and webhook secret (each asked for on its own, so that a registry
// that is down or a viewer's missing right does not hide the stack), create, update,
// delete, and the actions, each of which starts an operation.
import { gql } from '@urql/preact';
import { type CloneLocation, type Mutation, PipelineStepKind, type StackAction } from '../api/schema.generated';
import type { Connection, DateTime } from '../api/types';
import type { OperationStatus } from '../operations/queries';

export type { CloneLocation, StackAction } from '../api/schema.generated';
export { PipelineStepKind };

export const PIPELINE_STEP_KINDS = Object.values(PipelineStepKind);

export interface RepoScript {
  name: string;
  command: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface PipelineStep {
  kind: PipelineStepKind;
  /** The repo script a SCRIPT step runs. */
  script: string | null;
}

export interface StackRepo {
  url: string;
  branch: string;
  cloneOn: CloneLocation;
  scripts: RepoScript[];
}

export interface StackBuild {
  path: string;
  dockerfile: string;
  args: KeyValue[];
  preBuildScripts: string[];
  networkMode: string;
}

export interface StackDeploy {
  image: string | null;
  ports: string[];
  volumes: string[];
  network: string | null;
  restartPolicy: string | null;
  env: string[];
  command: string[];
  logTail: number;
}

/** A stack as the list shows it. */
export interface StackSummary {
  id: string;
  name: string;
  serverId: string;
  commit: string | null;
  builtImage: string | null;
  deployedImage: string | null;
  /** What its last action or pipeline run started; null before the first. */
  lastOperation: LastOperation | null;
}

/** A stack's last run, as the lists show it. */
export interface LastOperation {
  id: string;
  kind: string;
  status: OperationStatus;
  exitCode: number | null;
  createdAt: DateTime;
  startedAt: DateTime | null;
  finishedAt: DateTime | null;
}

export interface Stack extends StackSummary {
  owner: { kind: string; name: string };
  repo: StackRepo | null;
  build: StackBuild | null;
  deploy: StackDeploy | null;
  pipeline: PipelineStep[];
  updatedAt: DateTime;
  availableActions: StackAction[];
  /** Where builds are pushed; null when monitor has no registry configured. */
  registryRepository: string | null;
  webhookPath: string;
}

export interface StackImage {
  reference: string;
  tag: string;
  digest: string | null;
}

// The server pages at most 100 items; more stacks than that are not expected yet.
export const LIST_SIZE = 100;

// An empty list names no type, so tell the cache which mutations make it stale.
export const STACKS_CONTEXT = { additionalTypenames: ['Stack'] };

/** The label deploys put on a stack's containers, valued with the stack's id. */
export const STACK_LABEL = 'monitor.stack.id';

const SUMMARY_FIELDS = gql`
  fragment StackSummaryFields on Stack {
    id
    name
    serverId
    commit
    builtImage
    deployedImage
    lastOperation {
      id
      kind
      status
      exitCode
      createdAt
      startedAt
      finishedAt
    }
  }
`;

const STACK_FIELDS = gql`
  fragment StackFields on Stack {
    ...StackSummaryFields
    owner {
      kind
      name
    }
    repo {
      url
      branch
      cloneOn
      scripts {
        name
        command
      }
    }
    build {
      path
      dockerfile
      args {
        key
        value
      }
      preBuildScripts
      networkMode
    }
    deploy {
      image
      ports
      volumes
      network
      restartPolicy
      env
      command
      logTail
    }
    pipeline {
      kind
      script
    }
    updatedAt
    availableActions
    registryRepository
    webhookPath
  }
  ${SUMMARY_FIELDS}
`;

export const STACKS = gql<{ stacks: Connection<StackSummary> }, { first: number }>`
  query Stacks($first: Int) {
    stacks(first: $first) {
      nodes {
        ...StackSummaryFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${SUMMARY_FIELDS}
`;

export const STACK = gql<{ stack: Stack | null }, { id: string }>`
  query Stack($id: ID!) {
    stack(id: $id) {
      ...StackFields
    }
  }
  ${STACK_FIELDS}
`;

export const STACK_IMAGES = gql<{ stack: { id: string; images: StackImage[] | null } | null }, { id: string }>`
  query StackImages($id: ID!) {
    stack(id: $id) {
      id
      images {
        reference
        tag
        digest
      }
    }
  }
`;

export const STACK_WEBHOOK_SECRET = gql<{ stack: { id: string; webhookSecret: string | null } | null }, { id: string }>`
  query StackWebhookSecret($id: ID!) {
    stack(id: $id) {
      id
      webhookSecret
    }
  }
`;

/** A stack's whole configuration; a part set to null is not configured. */
export interface StackConfigInput {
  name: string;
  serverId: string;
  repo: StackRepo | null;
  build: StackBuild | null;
  deploy: StackDeploy | null;
  pipeline: PipelineStep[];
}

export const CREATE_STACK = gql<{ createStack: Stack }, { input: StackConfigInput }>`
  mutation CreateStack($input: CreateStackInput!) {
    createStack(input: $input) {
      ...StackFields
    }
  }
  ${STACK_FIELDS}
`;

export const UPDATE_STACK = gql<{ updateStack: Stack }, { input: StackConfigInput & { id: string } }>`
  mutation UpdateStack($input: UpdateStackInput!) {
    updateStack(input: $input) {
      ...StackFields
    }
  }
  ${STACK_FIELDS}
`;

export const DELETE_STACK = gql<{ deleteStack: { id: string } }, { input: { id: string; removeContainers: boolean } }>`
  mutation DeleteStack($input: DeleteStackInput!) {
    deleteStack(input: $input) {
      id
    }
  }
`;

export const ROTATE_WEBHOOK_SECRET = gql<{ rotateStackWebhookSecret: { id: string; webhookSecret: string | null } }, { stackId: string }>`
  mutation RotateStackWebhookSecret($stackId: ID!) {
    rotateStackWebhookSecret(stackId: $stackId) {
      id
      webhookSecret
    }
  }
`;

/** What an action answers: the operation it started, to follow. */
export interface StartedOperation {
  id: string;
}

// Clone, pull, build, push, deploy and the pipeline differ only in their field: each
// takes the stack's id and answers with the operation it started. Built from a string,
// which codegen does not read, so the field is checked against the schema's Mutation
// type instead.
function stackAction<Field extends keyof Mutation & string>(field: Field) {
  const name = field[0].toUpperCase() + field.slice(1);
  const source = `
    mutation ${name}($stackId: ID!) {
      ${field}(stackId: $stackId) {
        id
      }
    }
  `;
  return gql<Record<Field, StartedOperation>, { stackId: string }>(source);
}

export const CLONE_STACK_REPO = stackAction('cloneStackRepo');
export const PULL_STACK_REPO = stackAction('pullStackRepo');
export const BUILD_STACK = stackAction('buildStack');
export const PUSH_STACK_IMAGE = stackAction('pushStackImage');
export const DEPLOY_STACK = stackAction('deployStack');
export const RUN_PIPELINE = stackAction('runPipeline');

export const RUN_STACK_SCRIPT = gql<{ runStackScript: StartedOperation }, { stackId: string; script: string }>`
  mutation RunStackScript($stackId: ID!, $script: String!) {
    runStackScript(stackId: $stackId, script: $script) {
      id
    }
  }
`;

export const ROLLBACK_STACK = gql<{ rollbackStack: StartedOperation }, { stackId: string; image: string }>`
  mutation RollbackStack($stackId: ID!, $image: String!) {
    rollbackStack(stackId: $stackId, image: $image) {
      id
    }
  }
`;
