// What the measurement being built would cost, and whether the balance covers it.
import type { Quote } from './queries';

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

export function QuoteNote({ quote, pending }: { quote: Quote | null; pending: boolean }) {
  if (!quote) {
    return <p class="muted quote" data-testid="measurement-quote">{pending ? 'Working out the cost…' : 'The cost shows once targets and probes are chosen.'}</p>;
  }
  return (
    <div class={`quote${pending ? ' stale' : ''}`} data-testid="measurement-quote" data-total={quote.total} data-enough={String(quote.enough)}>
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
