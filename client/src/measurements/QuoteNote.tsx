// What the measurement being built would cost, on how many probes, and whether the balance
// covers it. A count that fewer connected probes match runs on those: the note says so.
import type { Quote } from './queries';

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function QuoteNote({ quote, pending }: { quote: Quote | null; pending: boolean }) {
  if (!quote) {
    return <p class="muted quote" data-testid="measurement-quote">{pending ? 'Working out the cost…' : 'The cost shows once targets and probes are chosen.'}</p>;
  }
  return (
    <div
      class={`quote${pending ? ' stale' : ''}`}
      data-testid="measurement-quote"
      data-total={quote.total}
      data-enough={String(quote.enough)}
      data-probes={quote.probes}
    >
      {quote.probes < quote.probesAsked && (
        <span class="warning-note" data-testid="measurement-quote-probes">
          {quote.probes.toLocaleString('en')} of {plural(quote.probesAsked, 'probe', 'probes')} asked match: it runs on those
        </span>
      )}
      <span>
        {plural(quote.results, 'result', 'results')} × {plural(quote.costPerResult, 'credit', 'credits')} ={' '}
        <strong class="mono" data-testid="measurement-quote-total">
          {plural(quote.total, 'credit', 'credits')}
        </strong>
      </span>
      <span class="muted">balance {quote.balance.toLocaleString('en')}</span>
      {!quote.enough && (
        <span class="warning-note" data-testid="measurement-quote-short">
          {(quote.total - quote.balance).toLocaleString('en')} more credits are needed
        </span>
      )}
    </div>
  );
}
