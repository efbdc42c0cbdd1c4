// The server a resource page shows: the one in ?server=…, else the first one listed; a
// new pick goes into the address so a reload or a shared link shows the same.
import { navigate, useLocation } from '../router';
import { useServerChoices } from '../servers/useServerChoices';

export function useServerPick() {
  const { path, query } = useLocation();
  const { servers } = useServerChoices();
  const serverId = query.get('server') || servers[0]?.id || '';
  const pick = (id: string) => navigate(`${path}?server=${encodeURIComponent(id)}`, { replace: true });
  return { servers, serverId, pick };
}
