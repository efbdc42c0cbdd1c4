// A stack's configuration as its editor holds it, and the input sent from it. A part
// switched off keeps what was typed in it, to come back when switched on. Every list
// entry is sent as it stands, blank ones too, so that the indexes in the server's error
// paths (`deploy.ports.1`) point at the entries on screen.
import type { PipelineStep, Stack, StackBuild, StackConfigInput, StackDeploy, StackRepo } from './queries';

interface DeployDraft {
  image: string;
  ports: string[];
  volumes: string[];
  network: string;
  restartPolicy: string;
  env: string[];
  command: string[];
  /** As typed; empty means the server's default. */
  logTail: string;
}

export interface StackDraft {
  name: string;
  serverId: string;
  uses: { repo: boolean; build: boolean; deploy: boolean };
  repo: StackRepo;
  build: StackBuild;
  deploy: DeployDraft;
  pipeline: PipelineStep[];
}

export type StackPart = keyof StackDraft['uses'];

const DEFAULT_LOG_TAIL = 100;

export const EMPTY_DRAFT: StackDraft = {
  name: '',
  serverId: '',
  uses: { repo: false, build: false, deploy: false },
  repo: { url: '', branch: 'main', cloneOn: 'MONITOR', scripts: [] },
  build: { path: '.', dockerfile: 'Dockerfile', args: [], preBuildScripts: [], networkMode: 'default' },
  deploy: { image: '', ports: [], volumes: [], network: '', restartPolicy: '', env: [], command: [], logTail: '' },
  pipeline: [],
};

/** The editor's copy of a stack's configuration (plain fields only: no `__typename`). */
export function draftOf(stack: Stack): StackDraft {
  const { repo, build, deploy } = stack;
  return {
    name: stack.name,
    serverId: stack.serverId,
    uses: { repo: !!repo, build: !!build, deploy: !!deploy },
    repo: repo
      ? {
          url: repo.url,
          branch: repo.branch,
          cloneOn: repo.cloneOn,
          scripts: repo.scripts.map(({ name, command }) => ({ name, command })),
        }
      : EMPTY_DRAFT.repo,
    build: build
      ? {
          path: build.path,
          dockerfile: build.dockerfile,
          args: build.args.map(({ key, value }) => ({ key, value })),
          preBuildScripts: [...build.preBuildScripts],
          networkMode: build.networkMode,
        }
      : EMPTY_DRAFT.build,
    deploy: deploy
      ? {
          image: deploy.image ?? '',
          ports: [...deploy.ports],
          volumes: [...deploy.volumes],
          network: deploy.network ?? '',
          restartPolicy: deploy.restartPolicy ?? '',
          env: [...deploy.env],
          command: [...deploy.command],
          logTail: String(deploy.logTail),
        }
      : EMPTY_DRAFT.deploy,
    pipeline: stack.pipeline.map(({ kind, script }) => ({ kind, script })),
  };
}

function deployInput(deploy: DeployDraft): StackDeploy {
  return {
    image: deploy.image.trim() || null,
    ports: deploy.ports,
    volumes: deploy.volumes,
    network: deploy.network.trim() || null,
    restartPolicy: deploy.restartPolicy || null,
    env: deploy.env,
    command: deploy.command,
    logTail: deploy.logTail.trim() ? Number(deploy.logTail) : DEFAULT_LOG_TAIL,
  };
}

export function inputOf(draft: StackDraft): StackConfigInput {
  return {
    name: draft.name,
    serverId: draft.serverId,
    repo: draft.uses.repo ? draft.repo : null,
    build: draft.uses.build ? draft.build : null,
    deploy: draft.uses.deploy ? deployInput(draft.deploy) : null,
    pipeline: draft.pipeline.map(({ kind, script }) => ({ kind, script: kind === 'SCRIPT' ? script : null })),
  };
}
