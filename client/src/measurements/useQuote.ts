// The cost of the measurement being built, asked of the server a moment after typing stops:
// measurementQuote checks the input exactly as createMeasurement will, so its errors are
// the server's verdict on the draft as it stands. Answers to an older draft are dropped.
import type { CombinedError } from '@urql/core';
import { useClient } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import type { MeasurementInput } from './draft';
import { MEASUREMENT_QUOTE, type Quote } from './queries';

const SETTLE_MS = 300;

interface Answer {
  key: string;
  quote: Quote | null;
  error: CombinedError | undefined;
}

/** `input` is null while the builder's own checks fail: nothing is asked then. */
export function useQuote(input: MeasurementInput | null) {
  const client = useClient();
  const key = input && JSON.stringify(input);
  const [answer, setAnswer] = useState<Answer | null>(null);

  useEffect(() => {
    if (!key) return;
    let current = true;
    const timer = setTimeout(() => {
      client
        .query(MEASUREMENT_QUOTE, { input: JSON.parse(key) as MeasurementInput }, { requestPolicy: 'network-only' })
        .toPromise()
        .then((result) => {
          if (current) setAnswer({ key, quote: result.data?.measurementQuote ?? null, error: result.error });
        });
    }, SETTLE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, key]);

  const fresh = !!key && answer?.key === key;
  return {
    /** The last quote, kept while a newer one is asked for. */
    quote: key ? (answer?.quote ?? null) : null,
    error: fresh ? answer.error : undefined,
    pending: !!key && !fresh,
  };
}
