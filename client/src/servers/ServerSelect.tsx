// A select of the servers by name; with `anyLabel`, its first option ("") means all of them.
import type { ServerChoice } from './queries';

interface ServerSelectProps {
  servers: ServerChoice[];
  value: string;
  onChange: (id: string) => void;
  anyLabel?: string;
  testid: string;
}

export function ServerSelect({ servers, value, onChange, anyLabel, testid }: ServerSelectProps) {
  return (
    <select value={value} onChange={(e) => onChange(e.currentTarget.value)} data-testid={testid}>
      {anyLabel !== undefined ? <option value="">{anyLabel}</option> : !value && <option value="">Pick a server…</option>}
      {servers.map((server) => (
        <option key={server.id} value={server.id}>
          {server.name}
        </option>
      ))}
    </select>
  );
}
