// GraphQL documents and types of the component catalog: the configs a graph's components
// start from, each with its versions, and create, update (a new version), delete.
import { gql } from '@urql/preact';
import type { Connection, DateTime } from '../api/types';

export interface ComponentConfigVersion {
  version: number;
  title: string;
  config: unknown;
  type: string;
  nodeType: string;
  message: string;
  author: { name: string };
  createdAt: DateTime;
}

export interface ComponentConfig {
  id: string;
  title: string;
  config: unknown;
  type: string;
  nodeType: string;
  message: string;
  version: number;
  author: { name: string };
  updatedAt: DateTime;
  versions: ComponentConfigVersion[];
}

export interface ComponentConfigInput {
  title: string;
  config: unknown;
  type: string;
  nodeType: string;
  message: string | null;
}

// The server pages at most 100 items.
export const CATALOG_SIZE = 100;

export const CATALOG_CONTEXT = { additionalTypenames: ['ComponentConfig'] };

const CONFIG_FIELDS = gql`
  fragment ComponentConfigFields on ComponentConfig {
    id
    title
    config
    type
    nodeType
    message
    version
    author {
      name
    }
    updatedAt
    versions {
      version
      title
      config
      type
      nodeType
      message
      author {
        name
      }
      createdAt
    }
  }
`;

export const COMPONENT_CONFIGS = gql<{ componentConfigs: Connection<ComponentConfig> }, { first: number }>`
  query ComponentConfigs($first: Int!) {
    componentConfigs(first: $first) {
      nodes {
        ...ComponentConfigFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${CONFIG_FIELDS}
`;

export const CREATE_COMPONENT_CONFIG = gql<{ createComponentConfig: { id: string } }, { input: ComponentConfigInput }>`
  mutation CreateComponentConfig($input: CreateComponentConfigInput!) {
    createComponentConfig(input: $input) {
      ...ComponentConfigFields
    }
  }
  ${CONFIG_FIELDS}
`;

export const UPDATE_COMPONENT_CONFIG = gql<
  { updateComponentConfig: { id: string } },
  { input: ComponentConfigInput & { id: string } }
>`
  mutation UpdateComponentConfig($input: UpdateComponentConfigInput!) {
    updateComponentConfig(input: $input) {
      ...ComponentConfigFields
    }
  }
  ${CONFIG_FIELDS}
`;

export const DELETE_COMPONENT_CONFIG = gql<{ deleteComponentConfig: { id: string } }, { input: { id: string } }>`
  mutation DeleteComponentConfig($input: DeleteComponentConfigInput!) {
    deleteComponentConfig(input: $input) {
      id
    }
  }
`;
