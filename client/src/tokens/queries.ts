// GraphQL documents of the API tokens page: the viewer's tokens, create, revoke.
import { gql } from '@urql/preact';
import type { Connection, DateTime } from '../api/types';

export interface ApiToken {
  id: string;
  name: string;
  createdAt: DateTime;
  expiresAt: DateTime | null;
  lastUsedAt: DateTime | null;
  revokedAt: DateTime | null;
}

// The server pages at most 100 items; a team with more tokens than that is not expected.
export const LIST_SIZE = 100;

const TOKEN_FIELDS = gql`
  fragment ApiTokenFields on ApiToken {
    id
    name
    createdAt
    expiresAt
    lastUsedAt
    revokedAt
  }
`;

export const API_TOKENS = gql<{ apiTokens: Connection<ApiToken> }, { first: number }>`
  query ApiTokens($first: Int) {
    apiTokens(first: $first) {
      nodes {
        ...ApiTokenFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${TOKEN_FIELDS}
`;

export const CREATE_API_TOKEN = gql<
  { createApiToken: { token: string; apiToken: ApiToken } },
  { input: { name: string; expiresAt: DateTime | null } }
>`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        ...ApiTokenFields
      }
    }
  }
  ${TOKEN_FIELDS}
`;

export const REVOKE_API_TOKEN = gql<{ revokeApiToken: ApiToken }, { input: { id: string } }>`
  mutation RevokeApiToken($input: RevokeApiTokenInput!) {
    revokeApiToken(input: $input) {
      ...ApiTokenFields
    }
  }
  ${TOKEN_FIELDS}
`;
