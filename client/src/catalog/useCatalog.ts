// The component catalog as the graph editor uses it: each entry's title, type and the
// component it starts from; null until it has loaded (and while it cannot be read).
import { useQuery } from '@urql/preact';
import { useMemo } from 'preact/hooks';
import type { CatalogComponent } from '../apps/graphCheck';
import { CATALOG_CONTEXT, CATALOG_SIZE, COMPONENT_CONFIGS } from './queries';

export function useCatalog(): CatalogComponent[] | null {
  const [{ data }] = useQuery({ query: COMPONENT_CONFIGS, variables: { first: CATALOG_SIZE }, context: CATALOG_CONTEXT });
  return useMemo(
    () => data?.componentConfigs.nodes.map(({ title, type, config }) => ({ title, type, config })) ?? null,
    [data],
  );
}
