// Images, volumes and networks of one server: lists, inspection, removal and prunes.
import { gql } from '@urql/preact';
import type { DateTime } from '../api/types';

export interface Image {
  id: string;
  tags: string[];
  sizeBytes: number | null;
  sharedSizeBytes: number | null;
  containers: number;
  dangling: boolean;
  createdAt: DateTime | null;
}

export const IMAGES = gql<{ images: Image[] }, { serverId: string }>`
  query Images($serverId: ID!) {
    images(serverId: $serverId) {
      id
      tags
      sizeBytes
      sharedSizeBytes
      containers
      dangling
      createdAt
    }
  }
`;

export interface ImageDetails {
  id: string;
  digests: string[];
  architecture: string | null;
  os: string | null;
  command: string[];
  entrypoint: string[];
  workingDirectory: string | null;
  env: string[];
  exposedPorts: string[];
  volumes: string[];
  layers: string[];
  labels: { key: string; value: string }[];
}

export const IMAGE = gql<{ image: ImageDetails }, { serverId: string; id: string }>`
  query Image($serverId: ID!, $id: String!) {
    image(serverId: $serverId, id: $id) {
      id
      digests
      architecture
      os
      command
      entrypoint
      workingDirectory
      env
      exposedPorts
      volumes
      layers
      labels {
        key
        value
      }
    }
  }
`;

export interface Volume {
  name: string;
  driver: string;
  mountpoint: string;
  inUse: boolean;
  sizeBytes: number | null;
  createdAt: DateTime | null;
  labels: { key: string; value: string }[];
  options: { key: string; value: string }[];
}

export const VOLUMES = gql<{ volumes: Volume[] }, { serverId: string }>`
  query Volumes($serverId: ID!) {
    volumes(serverId: $serverId) {
      name
      driver
      mountpoint
      inUse
      sizeBytes
      createdAt
      labels {
        key
        value
      }
      options {
        key
        value
      }
    }
  }
`;

export interface Network {
  id: string;
  name: string;
  driver: string;
  scope: string;
  internal: boolean;
  predefined: boolean;
  subnets: string[];
  createdAt: DateTime | null;
}

export const NETWORKS = gql<{ networks: Network[] }, { serverId: string }>`
  query Networks($serverId: ID!) {
    networks(serverId: $serverId) {
      id
      name
      driver
      scope
      internal
      predefined
      subnets
      createdAt
    }
  }
`;

export interface NetworkDetails {
  id: string;
  gateways: string[];
  options: { key: string; value: string }[];
  containers: { containerId: string; name: string; ipv4Address: string | null; macAddress: string | null }[];
}

export const NETWORK = gql<{ network: NetworkDetails }, { serverId: string; id: string }>`
  query Network($serverId: ID!, $id: String!) {
    network(serverId: $serverId, id: $id) {
      id
      gateways
      options {
        key
        value
      }
      containers {
        containerId
        name
        ipv4Address
        macAddress
      }
    }
  }
`;

export const REMOVE_IMAGE = gql<
  { removeImage: { removed: string[] } },
  { input: { serverId: string; image: string; force: boolean } }
>`
  mutation RemoveImage($input: RemoveImageInput!) {
    removeImage(input: $input) {
      removed
    }
  }
`;

export const REMOVE_VOLUME = gql<{ removeVolume: string }, { input: { serverId: string; name: string; force: boolean } }>`
  mutation RemoveVolume($input: RemoveVolumeInput!) {
    removeVolume(input: $input)
  }
`;

export const REMOVE_NETWORK = gql<{ removeNetwork: string }, { input: { serverId: string; network: string } }>`
  mutation RemoveNetwork($input: RemoveNetworkInput!) {
    removeNetwork(input: $input)
  }
`;

export interface PruneResult {
  removed: string[];
  spaceReclaimedBytes: number;
}

type PruneVariables = { input: { serverId: string } };

export const PRUNE_IMAGES = gql<{ pruneImages: PruneResult }, PruneVariables>`
  mutation PruneImages($input: PruneInput!) {
    pruneImages(input: $input) {
      removed
      spaceReclaimedBytes
    }
  }
`;

export const PRUNE_VOLUMES = gql<{ pruneVolumes: PruneResult }, PruneVariables>`
  mutation PruneVolumes($input: PruneInput!) {
    pruneVolumes(input: $input) {
      removed
      spaceReclaimedBytes
    }
  }
`;

export const PRUNE_NETWORKS = gql<{ pruneNetworks: PruneResult }, PruneVariables>`
  mutation PruneNetworks($input: PruneInput!) {
    pruneNetworks(input: $input) {
      removed
      spaceReclaimedBytes
    }
  }
`;
