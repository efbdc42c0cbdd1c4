// The login form: exchanges username and password for a session token.
import { gql, useMutation } from '@urql/preact';
import { useState } from 'preact/hooks';
import { formErrors } from '../api/errors';
import type { DateTime, User } from '../api/types';
import { ErrorNote } from '../ui/ErrorNote';
import { Field } from '../ui/Field';

const LOGIN = gql<
  { login: { token: string; expiresAt: DateTime; user: User } },
  { input: { username: string; password: string } }
>`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      token
      expiresAt
      user {
        id
        username
        role
      }
    }
  }
`;

export function LoginPage({ onSignIn }: { onSignIn: (token: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [{ fetching, error }, login] = useMutation(LOGIN);
  const errors = formErrors(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await login({ input: { username, password } });
    if (result.data) onSignIn(result.data.login.token);
  };

  return (
    <div class="centered">
      <form class="card login" onSubmit={submit} data-testid="login-form">
        <h1 class="brand">monitor</h1>
        <Field label="Username" error={errors.fields.username} testid="login-username">
          <input
            name="username"
            autocomplete="username"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
            data-testid="login-username"
            autofocus
          />
        </Field>
        <Field label="Password" error={errors.fields.password} testid="login-password">
          <input
            name="password"
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            data-testid="login-password"
          />
        </Field>
        <ErrorNote message={errors.general} testid="login-error" />
        <button type="submit" class="primary" disabled={fetching} data-testid="login-submit">
          {fetching ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
