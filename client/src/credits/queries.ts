// GraphQL documents of the Credits page: a user's balance with their ledger, the feed of
// its changes, and grants (ADMIN).
import { gql } from '@urql/preact';
import type { CreditMovement } from '../api/schema.generated';
import type { Connection, DateTime } from '../api/types';

export type { CreditMovement } from '../api/schema.generated';

export interface CreditEntry {
  id: string;
  movement: CreditMovement;
  amount: number;
  balanceAfter: number;
  measurementId: string | null;
  probeId: string | null;
  note: string | null;
  at: DateTime;
}

// The latest movements shown; older ones are in the API (creditLedger pages).
export const LEDGER_SIZE = 100;

// Grants return a CreditBalance: the page's answer goes stale with them.
export const CREDITS_CONTEXT = { additionalTypenames: ['CreditBalance', 'CreditEntry'] };

export const CREDITS = gql<
  { credits: { userId: string; balance: number }; creditLedger: Connection<CreditEntry> },
  { userId: string | null; first: number }
>`
  query Credits($userId: ID, $first: Int) {
    credits(userId: $userId) {
      userId
      balance
    }
    creditLedger(userId: $userId, first: $first) {
      nodes {
        id
        movement
        amount
        balanceAfter
        measurementId
        probeId
        note
        at
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const CREDITS_CHANGED = gql<
  { creditsChanged: { userId: string; balance: number } },
  { userId: string }
>`
  subscription CreditsChanged($userId: ID) {
    creditsChanged(userId: $userId) {
      userId
      balance
    }
  }
`;

export const GRANT_CREDITS = gql<
  { grantCredits: { userId: string; balance: number } },
  { input: { userId: string; amount: number; note: string | null } }
>`
  mutation GrantCredits($input: GrantCreditsInput!) {
    grantCredits(input: $input) {
      userId
      balance
    }
  }
`;
