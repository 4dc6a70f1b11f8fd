import { getRouteApi } from '@tanstack/react-router';
import { Button, Input } from '../../components/ui';
import { AuthLayout, Field, useAuthForm } from './AuthLayout';

const route = getRouteApi('/invite');

/** Accepting an invitation link: new users choose a password, existing ones confirm theirs. */
export function InvitePage() {
  const { token } = route.useSearch();
  const form = useAuthForm('/api/v1/auth/invitations/accept', '/services');
  return (
    <AuthLayout
      title="Join your team"
      subtitle="Choose a password (or enter yours if you already have an account)."
    >
      <form
        className="flex flex-col gap-3"
        onSubmit={form.submit((f) => ({ token: f.get('token'), password: f.get('password') }))}
      >
        <Field label="Invitation token">
          <Input name="token" defaultValue={token ?? ''} required className="font-mono" />
        </Field>
        <Field label="Password" hint="At least 12 characters.">
          <Input
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={12}
            required
            autoFocus
          />
        </Field>
        {form.error}
        <Button type="submit" variant="primary" disabled={form.pending}>
          Join
        </Button>
      </form>
    </AuthLayout>
  );
}
