// The GraphQL client: urql over fetch for queries and mutations (multipart for the
// scan upload), graphql-ws for subscriptions. Authentication is the HttpOnly session
// cookie, so nothing secret is kept in JavaScript; after sign-in or sign-out the
// client is rebuilt so the WebSocket reconnects with the new cookie and no cached
// data of the previous user survives.
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { Client, Provider, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';
import type { Client as WSClient } from 'graphql-ws';
import { storedLang } from '../i18n';

function wsURL(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/graphql`;
}

function makeClient(): { client: Client; dispose: () => void } {
  // The WebSocket client is loaded on the first subscription: the sign-in page has none.
  let ws: Promise<WSClient> | undefined;
  const socket = () =>
    (ws ??= import('graphql-ws').then(({ createClient }) =>
      createClient({
        url: wsURL(),
        lazy: true,
        retryAttempts: Infinity,
        // The server reads the cookie; the language lets it localize subscription errors.
        connectionParams: () => ({ acceptLanguage: storedLang() }),
        shouldRetry: () => true,
      }),
    ));
  const client = new Client({
    url: '/graphql',
    requestPolicy: 'cache-and-network',
    // Always POST: a GET would put variables (ID numbers, phones, search text) into URLs and logs.
    preferGetMethod: false,
    fetchOptions: () => ({
      credentials: 'same-origin',
      headers: {
        'Accept-Language': storedLang() === 'en' ? 'en' : 'vi',
        // Required by the server for multipart uploads (CSRF guard); harmless on JSON.
        'GraphQL-Require-Preflight': '1',
      },
    }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              let stop: (() => void) | null = null;
              let stopped = false;
              socket().then(
                (c) => {
                  if (!stopped) stop = c.subscribe(input, sink);
                },
                (err: unknown) => sink.error(err),
              );
              return {
                unsubscribe: () => {
                  stopped = true;
                  stop?.();
                },
              };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws?.then((c) => c.dispose()) };
}

const ResetContext = createContext<() => void>(() => {});

/** Provides the urql client; useResetClient() rebuilds it. */
export function GraphQLProvider({ children }: { children: ReactNode }) {
  const [made, setMade] = useState(makeClient);
  const reset = useCallback(() => {
    made.dispose();
    setMade(makeClient());
  }, [made]);
  return (
    <ResetContext.Provider value={reset}>
      <Provider value={made.client}>{children}</Provider>
    </ResetContext.Provider>
  );
}

/** Returns a function that drops the client (cache and WebSocket) and builds a fresh one. */
export function useResetClient(): () => void {
  return useContext(ResetContext);
}
