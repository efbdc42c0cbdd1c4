// GraphQL documents of the Users page (ADMIN): list, create, update, delete.
import { gql } from '@urql/preact';
import type { Connection, DateTime, Role, User } from '../api/types';

export interface UserDetails extends User {
  createdAt: DateTime;
  updatedAt: DateTime;
}

// The server pages at most 100 items; a team with more users than that is not expected.
export const LIST_SIZE = 100;

const USER_FIELDS = gql`
  fragment UserFields on User {
    id
    username
    role
    createdAt
    updatedAt
  }
`;

export const USERS = gql<{ users: Connection<UserDetails> }, { first: number }>`
  query Users($first: Int) {
    users(first: $first) {
      nodes {
        ...UserFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${USER_FIELDS}
`;

export interface CreateUserInput {
  username: string;
  password: string;
  role: Role;
}

export const CREATE_USER = gql<{ createUser: UserDetails }, { input: CreateUserInput }>`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      ...UserFields
    }
  }
  ${USER_FIELDS}
`;

export const UPDATE_USER = gql<
  { updateUser: UserDetails },
  { input: { id: string; role?: Role; password?: string } }
>`
  mutation UpdateUser($input: UpdateUserInput!) {
    updateUser(input: $input) {
      ...UserFields
    }
  }
  ${USER_FIELDS}
`;

export const DELETE_USER = gql<{ deleteUser: UserDetails }, { input: { id: string } }>`
  mutation DeleteUser($input: DeleteUserInput!) {
    deleteUser(input: $input) {
      ...UserFields
    }
  }
  ${USER_FIELDS}
`;
