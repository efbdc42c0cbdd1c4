// GraphQL documents of measurements: the list, one measurement with its probes' parts and
// summaries, its results (paged, and live), the quote, create and cancel.
import { gql } from '@urql/preact';
import type { AssignmentStatus, MeasurementKind, MeasurementStatus } from '../api/schema.generated';
import type { Connection, DateTime } from '../api/types';
import type { MeasurementInput } from './draft';

export type { AssignmentStatus, MeasurementKind, MeasurementStatus } from '../api/schema.generated';

export interface MeasurementSummary {
  id: string;
  kind: MeasurementKind;
  description: string | null;
  targets: string[];
  status: MeasurementStatus;
  probeCount: number;
  /** More than `probeCount` when fewer connected probes matched the count asked. */
  probesAsked: number;
  resultsExpected: number;
  creditsReserved: number;
  createdAt: DateTime;
  finishedAt: DateTime | null;
  schedule: { everySeconds: number | null; start: DateTime | null; stop: DateTime | null; runs: number };
  owner: { username: string } | null;
}

export interface ResultSummary {
  probeId: string | null;
  target: string | null;
  results: number;
  errors: number;
  minRttMs: number | null;
  avgRttMs: number | null;
  maxRttMs: number | null;
  lastMeasuredAt: DateTime | null;
}

export interface Measurement extends MeasurementSummary {
  params: unknown;
  costPerResult: number;
  creditsUsed: number;
  resultsDownloadPath: string;
  operation: { id: string; status: string } | null;
  assignments: {
    id: string;
    status: AssignmentStatus;
    resultsDelivered: number;
    resultsExpected: number;
    reason: string | null;
    probe: { id: string; name: string } | null;
  }[];
  probeSummaries: ResultSummary[];
  targetSummaries: ResultSummary[];
}

export interface ProbeResult {
  id: string;
  probeId: string;
  target: string;
  run: number;
  measuredAt: DateTime;
  clockOffsetMs: number;
  error: string | null;
  rttMs: number | null;
  ping: {
    protocol: string;
    port: number | null;
    packets: { seq: number; rttMs: number | null }[];
    sent: number;
    received: number;
    lossPercent: number;
    minMs: number | null;
    avgMs: number | null;
    maxMs: number | null;
    address: string;
  } | null;
  traceroute: {
    protocol: string;
    port: number | null;
    parisId: number;
    reached: boolean;
    hops: { ttl: number; replies: { rttMs: number | null; from: string | null }[] }[];
    address: string;
  } | null;
  dns: {
    transport: string;
    name: string;
    recordType: string;
    class: string;
    rcode: string;
    flags: { authoritative: boolean; truncated: boolean; recursionAvailable: boolean; authenticData: boolean };
    answers: { name: string; recordType: string; ttl: number; data: string }[];
    timeMs: number;
    attempts: number;
    resolver: string;
  } | null;
  http: {
    url: string;
    method: string;
    status: number;
    statusMatches: boolean | null;
    httpVersion: string;
    bodyBytes: number;
    truncated: boolean;
    address: string;
    timings: { dnsMs: number | null; connectMs: number; tlsMs: number | null; firstByteMs: number; totalMs: number };
    tls: { protocol: string; cipher: string; authorized: boolean; error: string | null; subject: string; issuer: string; expires: DateTime } | null;
  } | null;
  probe: { name: string } | null;
}

// The server pages at most 100 items.
export const PAGE_SIZE = 100;

const SUMMARY_FIELDS = gql`
  fragment MeasurementSummaryFields on Measurement {
    id
    kind
    description
    targets
    status
    probeCount
    probesAsked
    resultsExpected
    creditsReserved
    createdAt
    finishedAt
    schedule {
      everySeconds
      start
      stop
      runs
    }
    owner {
      username
    }
  }
`;

const RESULT_SUMMARY_FIELDS = gql`
  fragment ResultSummaryFields on ResultSummary {
    probeId
    target
    results
    errors
    minRttMs
    avgRttMs
    maxRttMs
    lastMeasuredAt
  }
`;

const MEASUREMENT_FIELDS = gql`
  fragment MeasurementFields on Measurement {
    ...MeasurementSummaryFields
    params
    costPerResult
    creditsUsed
    resultsDownloadPath
    operation {
      id
      status
    }
    assignments {
      id
      status
      resultsDelivered
      resultsExpected
      reason
      probe {
        id
        name
      }
    }
    probeSummaries {
      ...ResultSummaryFields
    }
    targetSummaries {
      ...ResultSummaryFields
    }
  }
  ${SUMMARY_FIELDS}
  ${RESULT_SUMMARY_FIELDS}
`;

const RESULT_FIELDS = gql`
  fragment ProbeResultFields on ProbeResult {
    id
    probeId
    target
    run
    measuredAt
    clockOffsetMs
    error
    rttMs
    ping {
      protocol
      port
      packets {
        seq
        rttMs
      }
      sent
      received
      lossPercent
      minMs
      avgMs
      maxMs
      address
    }
    traceroute {
      protocol
      port
      parisId
      reached
      hops {
        ttl
        replies {
          rttMs
          from
        }
      }
      address
    }
    dns {
      transport
      name
      recordType
      class
      rcode
      flags {
        authoritative
        truncated
        recursionAvailable
        authenticData
      }
      answers {
        name
        recordType
        ttl
        data
      }
      timeMs
      attempts
      resolver
    }
    http {
      url
      method
      status
      statusMatches
      httpVersion
      bodyBytes
      truncated
      address
      timings {
        dnsMs
        connectMs
        tlsMs
        firstByteMs
        totalMs
      }
      tls {
        protocol
        cipher
        authorized
        error
        subject
        issuer
        expires
      }
    }
    probe {
      name
    }
  }
`;

export interface MeasurementFilter {
  ownerId?: string;
  status?: MeasurementStatus;
}

export const MEASUREMENTS = gql<
  { measurements: Connection<MeasurementSummary> },
  { first: number; after: string | null; filter: MeasurementFilter }
>`
  query Measurements($first: Int, $after: String, $filter: MeasurementFilter) {
    measurements(first: $first, after: $after, filter: $filter) {
      nodes {
        ...MeasurementSummaryFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
  ${SUMMARY_FIELDS}
`;

export const MEASUREMENT = gql<{ measurement: Measurement | null }, { id: string }>`
  query Measurement($id: ID!) {
    measurement(id: $id) {
      ...MeasurementFields
    }
  }
  ${MEASUREMENT_FIELDS}
`;

export const RESULTS = gql<
  { measurement: { results: Connection<ProbeResult> } | null },
  { id: string; first: number; after: string | null }
>`
  query MeasurementResults($id: ID!, $first: Int, $after: String) {
    measurement(id: $id) {
      results(first: $first, after: $after) {
        nodes {
          ...ProbeResultFields
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${RESULT_FIELDS}
`;

export const RESULT_ADDED = gql<{ measurementResults: ProbeResult }, { id: string }>`
  subscription MeasurementResultAdded($id: ID!) {
    measurementResults(measurementId: $id) {
      ...ProbeResultFields
    }
  }
  ${RESULT_FIELDS}
`;

export interface Quote {
  /** The ids given, or the count. */
  probesAsked: number;
  /** The probes it would run on now: fewer than asked when fewer connected probes match. */
  probes: number;
  costPerResult: number;
  results: number;
  total: number;
  balance: number;
  enough: boolean;
}

export const MEASUREMENT_QUOTE = gql<{ measurementQuote: Quote }, { input: MeasurementInput }>`
  query MeasurementQuote($input: CreateMeasurementInput!) {
    measurementQuote(input: $input) {
      probesAsked
      probes
      costPerResult
      results
      total
      balance
      enough
    }
  }
`;

export const CREATE_MEASUREMENT = gql<{ createMeasurement: { id: string } }, { input: MeasurementInput }>`
  mutation CreateMeasurement($input: CreateMeasurementInput!) {
    createMeasurement(input: $input) {
      id
    }
  }
`;

export const CANCEL_MEASUREMENT = gql<{ cancelMeasurement: Measurement }, { input: { id: string } }>`
  mutation CancelMeasurement($input: CancelMeasurementInput!) {
    cancelMeasurement(input: $input) {
      ...MeasurementFields
    }
  }
  ${MEASUREMENT_FIELDS}
`;
