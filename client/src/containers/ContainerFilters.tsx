// The Containers page's filter bar: which server (or all), statuses (toggle chips) and a
// part of the name. Chips and the server apply at once; the name when committed (Enter or
// leaving the field).
import { useState } from 'preact/hooks';
import type { ServerChoice } from '../servers/queries';
import { ServerSelect } from '../servers/ServerSelect';
import { ToggleChips } from '../ui/ToggleChips';
import { CONTAINER_STATUSES, type ContainerFilter, type ContainerStatus } from './queries';

interface ContainerFiltersProps {
  servers: ServerChoice[];
  serverId: string;
  onServer: (id: string) => void;
  value: ContainerFilter;
  onChange: (filter: ContainerFilter) => void;
}

export function ContainerFilters({ servers, serverId, onServer, value, onChange }: ContainerFiltersProps) {
  const [name, setName] = useState(value.nameContains ?? '');
  const statuses = value.statuses ?? [];

  const apply = (next: { statuses: ContainerStatus[]; name: string }) => {
    const filter: ContainerFilter = {};
    if (next.statuses.length > 0) filter.statuses = next.statuses;
    if (next.name.trim()) filter.nameContains = next.name.trim();
    if (JSON.stringify(filter) !== JSON.stringify(value)) onChange(filter);
  };

  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply({ statuses, name });
      }}
      data-testid="container-filters"
    >
      <div class="row">
        <label class="inline">
          Server
          <ServerSelect servers={servers} value={serverId} onChange={onServer} anyLabel="All servers" testid="filter-server" />
        </label>
        <label class="inline">
          Name
          <input
            value={name}
            placeholder="part of the name"
            onInput={(e) => setName(e.currentTarget.value)}
            onChange={(e) => apply({ statuses, name: e.currentTarget.value })}
            data-testid="filter-name"
          />
        </label>
        <ToggleChips
          label="Statuses"
          options={CONTAINER_STATUSES}
          value={statuses}
          onChange={(next) => apply({ name, statuses: next })}
          testid="filter-status"
        />
      </div>
    </form>
  );
}
