// Subscriptions read as streams of items (log lines, command output, container events),
// straight from graphql-ws. urql merges each subscription result into the one before (data
// and errors carry over), which suits one live value but blurs an error item, such as
// LAGGED, that arrives between two lines.
import { type AnyVariables, type TypedDocumentNode, stringifyDocument } from '@urql/core';
import type { GraphQLFormattedError } from 'graphql';
import type { Client as WsClient } from 'graphql-ws';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const StreamsContext = createContext<WsClient | null>(null);

export function useStreams(): WsClient {
  const streams = useContext(StreamsContext);
  if (!streams) throw new Error('useStreams outside the API provider');
  return streams;
}

export interface StreamSink<Data> {
  item(data: Data): void;
  /** An error sent in place of an item (e.g. LAGGED); the stream goes on. */
  itemError(error: GraphQLFormattedError): void;
  /** The stream could not start or broke off. */
  failed(message: string): void;
  /** The server ended the stream. */
  done(): void;
}

/**
 * Subscribes; returns the function that unsubscribes. Once it is called, `sink` hears
 * nothing more: graphql-ws completes the sink of a subscription its subscriber let go
 * (asynchronously, after the view has already opened the next one), and that "end"
 * belongs to a stream the view has left.
 */
export function openStream<Data, Variables extends AnyVariables>(
  streams: WsClient,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  sink: StreamSink<Data>,
): () => void {
  let open = true;
  const unsubscribe = streams.subscribe<Data>(
    { query: stringifyDocument(document), variables: variables as Record<string, unknown> },
    {
      next(result) {
        if (!open) return;
        for (const error of result.errors ?? []) sink.itemError(error);
        if (result.data) sink.item(result.data);
      },
      error: (error) => {
        if (open) sink.failed(describe(error));
      },
      complete: () => {
        if (open) sink.done();
      },
    },
  );
  return () => {
    open = false;
    unsubscribe();
  };
}

/** graphql-ws fails a subscription with the server's errors, a close event or an Error. */
function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: GraphQLFormattedError) => e.message).join('; ');
  if (error instanceof CloseEvent) return `the connection closed (${error.code}${error.reason ? `: ${error.reason}` : ''})`;
  if (error instanceof Error) return error.message;
  return 'the connection failed';
}

export interface LiveListHandlers<Data> {
  item(data: Data): void;
  /** The feed may have missed items (it lagged, or the socket reconnected): read the list again. */
  resync(): void;
  /** The feed stopped, and why. */
  stopped(message: string): void;
}

/**
 * Opens the feed that keeps a list live; returns the function that closes it. Open it
 * before reading the list, so that nothing falls between the two.
 */
export function openLiveFeed<Data, Variables extends AnyVariables>(
  streams: WsClient,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  { item, resync, stopped }: LiveListHandlers<Data>,
): () => void {
  const stop = openStream(streams, document, variables, {
    item,
    itemError: (error) => {
      if (error.extensions?.code === 'LAGGED') resync();
      else stopped(error.message);
    },
    failed: stopped,
    done: () => stopped('the server ended the feed'),
  });
  const stopWatchingSocket = streams.on('connected', (_socket, _payload, wasRetry) => {
    if (wasRetry) resync();
  });
  return () => {
    stopWatchingSocket();
    stop();
  };
}
