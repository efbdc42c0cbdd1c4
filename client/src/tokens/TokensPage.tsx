// API tokens: the viewer's own tokens for scripts, created here and revoked here.
import { useMutation, useQuery } from '@urql/preact';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote } from '../ui/ErrorNote';
import { Time } from '../ui/Time';
import { CreateTokenForm } from './CreateTokenForm';
import { API_TOKENS, type ApiToken, LIST_SIZE, REVOKE_API_TOKEN } from './queries';

// An empty list names no type, so tell the cache which mutations make it stale.
const CONTEXT = { additionalTypenames: ['ApiToken'] };

export function TokensPage() {
  const [{ data, error }] = useQuery({ query: API_TOKENS, variables: { first: LIST_SIZE }, context: CONTEXT });
  const tokens = data?.apiTokens.nodes ?? [];

  return (
    <div class="stack">
      <CreateTokenForm />
      <ErrorNote error={error} />
      {data && (
        <table class="grid" data-testid="tokens-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  No tokens yet.
                </td>
              </tr>
            )}
            {tokens.map((token) => (
              <TokenRow key={token.id} token={token} />
            ))}
          </tbody>
        </table>
      )}
      {data?.apiTokens.pageInfo.hasNextPage && <p class="muted">Showing the first {LIST_SIZE} tokens.</p>}
    </div>
  );
}

function status(token: ApiToken): string {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && new Date(token.expiresAt) <= new Date()) return 'expired';
  return 'active';
}

function TokenRow({ token }: { token: ApiToken }) {
  const [{ fetching, error }, revoke] = useMutation(REVOKE_API_TOKEN);
  const state = status(token);

  return (
    <tr data-testid={`token-row-${token.name}`}>
      <td class="mono">{token.name}</td>
      <td>
        <Time value={token.createdAt} />
      </td>
      <td>
        <Time value={token.expiresAt} empty="never" />
      </td>
      <td>
        <Time value={token.lastUsedAt} empty="never" />
      </td>
      <td>
        <span class={`state state-${state}`} data-testid="token-status">
          {state}
        </span>
        {token.revokedAt && (
          <>
            {' '}
            <Time value={token.revokedAt} />
          </>
        )}
      </td>
      <td class="actions">
        {state === 'active' && (
          <ConfirmButton
            label="Revoke"
            question={`Revoke ${token.name}?`}
            disabled={fetching}
            onConfirm={() => revoke({ input: { id: token.id } })}
            testid="token-revoke"
          />
        )}
        <ErrorNote error={error} testid="token-revoke-error" />
      </td>
    </tr>
  );
}
