// Stacks named by id on other pages (the audit log), from the list the Stacks page reads.
import { useQuery } from '@urql/preact';
import { useMemo } from 'preact/hooks';
import { LIST_SIZE, STACKS, STACKS_CONTEXT } from './queries';

/** The name of each listed stack; undefined for one that is gone (its events stay). */
export function useStackNames(): (id: string) => string | undefined {
  const [{ data }] = useQuery({ query: STACKS, variables: { first: LIST_SIZE }, context: STACKS_CONTEXT });
  return useMemo(() => {
    const names = new Map((data?.stacks.nodes ?? []).map((stack) => [stack.id, stack.name]));
    return (id: string) => names.get(id);
  }, [data]);
}
