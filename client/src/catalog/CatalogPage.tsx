// The component catalog: the configs a graph's components start from (the graph editor
// offers them), each with its type, node type and version; opening one shows its config
// and every earlier version. Operators add configs, save a config's next version, and
// remove one.
import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { useSession } from '../session/session';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { Time } from '../ui/Time';
import { ComponentConfigForm } from './ComponentConfigForm';
import {
  CATALOG_CONTEXT,
  CATALOG_SIZE,
  COMPONENT_CONFIGS,
  type ComponentConfig,
  CREATE_COMPONENT_CONFIG,
  DELETE_COMPONENT_CONFIG,
  UPDATE_COMPONENT_CONFIG,
} from './queries';
import './catalog.css';

export function CatalogPage() {
  const { viewer } = useSession();
  const canOperate = roleAllows(viewer.role, 'OPERATOR');
  const [{ data, error }] = useQuery({ query: COMPONENT_CONFIGS, variables: { first: CATALOG_SIZE }, context: CATALOG_CONTEXT });
  const [openId, setOpenId] = useState<string | null>(null);
  const configs = data?.componentConfigs.nodes ?? [];

  return (
    <div class="stack">
      {canOperate && <NewConfig />}
      <ErrorNote error={error} />
      {data && (
        <div class="scroll-x">
          <table class="grid" data-testid="catalog-table">
            <thead>
              <tr>
                <th>Title</th>
                <th>Type</th>
                <th>Node type</th>
                <th>Version</th>
                <th>Last change</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {configs.length === 0 && (
                <tr>
                  <td colSpan={6} class="muted" data-testid="catalog-empty">
                    No component configs yet.
                  </td>
                </tr>
              )}
              {configs.map((config) => (
                <CatalogRow
                  key={config.id}
                  config={config}
                  open={openId === config.id}
                  onToggle={() => setOpenId(openId === config.id ? null : config.id)}
                  canOperate={canOperate}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.componentConfigs.pageInfo.hasNextPage && <p class="muted">Showing the first {CATALOG_SIZE} configs.</p>}
    </div>
  );
}

function NewConfig() {
  const [open, setOpen] = useState(false);
  const [{ fetching, error }, create] = useMutation(CREATE_COMPONENT_CONFIG);
  if (!open) {
    return (
      <button type="button" class="primary" onClick={() => setOpen(true)} data-testid="new-config-open">
        New component config…
      </button>
    );
  }
  return (
    <ComponentConfigForm
      fetching={fetching}
      error={error}
      onSubmit={async (input) => {
        const result = await create({ input }, CATALOG_CONTEXT);
        if (result.data) setOpen(false);
      }}
      onClose={() => setOpen(false)}
      testid="new-config"
    />
  );
}

interface CatalogRowProps {
  config: ComponentConfig;
  open: boolean;
  onToggle: () => void;
  canOperate: boolean;
}

function CatalogRow({ config, open, onToggle, canOperate }: CatalogRowProps) {
  return (
    <>
      <tr data-testid={`catalog-row-${config.type}`}>
        <td>
          <button type="button" class="link" aria-expanded={open} onClick={onToggle} data-testid="catalog-open">
            {config.title}
          </button>
        </td>
        <td class="mono">{config.type}</td>
        <td class="mono">{config.nodeType}</td>
        <td class="mono" data-testid="catalog-version">
          v{config.version}
        </td>
        <td>
          {config.message} <span class="muted">by {config.author.name}</span>
        </td>
        <td>
          <Time value={config.updatedAt} />
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6}>
            <ConfigDetail config={config} canOperate={canOperate} />
          </td>
        </tr>
      )}
    </>
  );
}

function ConfigDetail({ config, canOperate }: { config: ComponentConfig; canOperate: boolean }) {
  const [editing, setEditing] = useState(false);
  const [updating, update] = useMutation(UPDATE_COMPONENT_CONFIG);
  const [removing, remove] = useMutation(DELETE_COMPONENT_CONFIG);
  return (
    <div class="stack catalog-detail" data-testid="catalog-detail">
      {canOperate && !editing && (
        <div class="row">
          <button type="button" onClick={() => setEditing(true)} data-testid="catalog-edit">
            Change…
          </button>
          <ConfirmButton
            label="Delete"
            question={`Delete ${config.title} and its versions?`}
            disabled={removing.fetching}
            onConfirm={() => remove({ input: { id: config.id } }, CATALOG_CONTEXT)}
            testid="catalog-delete"
          />
          <ErrorNote error={removing.error} testid="catalog-delete-error" />
        </div>
      )}
      {editing && (
        <ComponentConfigForm
          start={config}
          fetching={updating.fetching}
          error={updating.error}
          onSubmit={async (input) => {
            const result = await update({ input: { ...input, id: config.id } });
            if (result.data) setEditing(false);
          }}
          onClose={() => setEditing(false)}
          testid="edit-config"
        />
      )}
      {config.versions.map((version) => (
        <details key={version.version} open={version.version === config.version} data-testid={`catalog-config-v${version.version}`}>
          <summary>
            <span class="mono">v{version.version}</span> {version.message} <span class="muted">by {version.author.name}</span>{' '}
            <Time value={version.createdAt} />
            {version.title !== config.title && <span class="muted"> (as “{version.title}”)</span>}
          </summary>
          <pre class="catalog-config">{JSON.stringify(version.config, null, 2)}</pre>
        </details>
      ))}
    </div>
  );
}
