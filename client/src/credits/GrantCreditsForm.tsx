// Grants credits to the user whose ledger is shown (ADMIN). The server checks the amount;
// its errors show at their fields.
import { useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';
import { GRANT_CREDITS } from './queries';

export function GrantCreditsForm({ userId, username }: { userId: string; username: string }) {
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [{ fetching, error }, grant] = useMutation(GRANT_CREDITS);
  const errors = formErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await grant({ input: { userId, amount: Number(amount), note: note.trim() || null } });
    if (result.data) {
      setAmount('');
      setNote('');
    }
  };

  return (
    <form class="card form-row" onSubmit={submit} data-testid="grant-credits-form">
      <h2>Grant credits to {username}</h2>
      <Field label="Amount (1 to 1,000,000,000)" error={errors.fields.amount} testid="grant-credits-amount">
        <input
          type="number"
          min={1}
          step={1}
          required
          value={amount}
          onInput={(e) => setAmount(e.currentTarget.value)}
          data-testid="grant-credits-amount"
        />
      </Field>
      <Field label="Note (for the ledger)" error={errors.fields.note} testid="grant-credits-note" wide>
        <input value={note} placeholder="e.g. monthly allowance" onInput={(e) => setNote(e.currentTarget.value)} data-testid="grant-credits-note" />
      </Field>
      <button type="submit" class="primary" disabled={fetching} data-testid="grant-credits-submit">
        Grant
      </button>
      <ErrorNote message={errors.general} testid="grant-credits-error" />
    </form>
  );
}
