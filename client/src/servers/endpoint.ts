// What an endpoint the user is typing will be, as a hint under the field. The server
// decides what is valid; this only says what it understood, or which forms exist.

export const ENDPOINT_FORMS = 'unix:///var/run/docker.sock, tcp://host:port, agent+http://host:port, agent+https://host:port';

export function isAgentEndpoint(endpoint: string): boolean {
  return /^agent\+https?:\/\//.test(endpoint.trim());
}

export function endpointHint(endpoint: string): string {
  const raw = endpoint.trim();
  if (raw.startsWith('unix://')) return 'The Docker socket on the monitor host; commands run on this host.';
  if (raw.startsWith('tcp://')) return 'A Docker engine over TCP; it offers no shell, so commands cannot run there.';
  if (isAgentEndpoint(raw)) return 'A monitor agent; give the token it was started with.';
  return `One of ${ENDPOINT_FORMS}.`;
}
