import { Button, Input } from '../../components/ui';
import { AuthLayout, Field, useAuthForm } from './AuthLayout';

/** First visit: the owner account and the first organisation. */
export function SetupPage() {
  const form = useAuthForm('/api/v1/auth/setup', '/settings/api-keys');
  return (
    <AuthLayout
      title="Welcome to Pharos"
      subtitle="Create the owner account. You can invite your team and create API keys next."
    >
      <form
        className="flex flex-col gap-3"
        onSubmit={form.submit((f) => ({
          email: f.get('email'),
          password: f.get('password'),
          orgName: (f.get('orgName') as string) || undefined,
        }))}
      >
        <Field label="Email">
          <Input name="email" type="email" autoComplete="username" required autoFocus />
        </Field>
        <Field label="Password" hint="At least 12 characters.">
          <Input
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={12}
            required
          />
        </Field>
        <Field label="Organisation name" hint="Its id is “default”.">
          <Input name="orgName" placeholder="Default" />
        </Field>
        {form.error}
        <Button type="submit" variant="primary" disabled={form.pending}>
          {form.pending ? 'Creating…' : 'Create owner account'}
        </Button>
      </form>
    </AuthLayout>
  );
}
