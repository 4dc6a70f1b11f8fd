import { Link } from '@tanstack/react-router';
import { Button, Input } from '../../components/ui';
import { useSession } from '../../lib/session';
import { AuthLayout, Field, useAuthForm } from './AuthLayout';

export function SignupPage() {
  const { status } = useSession();
  const form = useAuthForm('/api/v1/auth/signup', '/settings/api-keys');
  if (!status.signupAllowed) {
    return (
      <AuthLayout
        title="Sign-up is closed"
        subtitle="Ask an administrator of your organisation for an invitation."
      >
        <Link to="/login" className="text-accent hover:underline">
          Log in
        </Link>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Create an organisation" subtitle="You will be its owner.">
      <form
        className="flex flex-col gap-3"
        onSubmit={form.submit((f) => ({
          email: f.get('email'),
          password: f.get('password'),
          org: f.get('org'),
          orgName: f.get('orgName'),
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
        <Field label="Organisation name">
          <Input name="orgName" required />
        </Field>
        <Field label="Organisation id" hint="Lowercase letters, digits and dashes.">
          <Input name="org" pattern="[a-z0-9][a-z0-9-]*" required />
        </Field>
        {form.error}
        <Button type="submit" variant="primary" disabled={form.pending}>
          Sign up
        </Button>
      </form>
      <p className="mt-4 text-center text-xs text-muted">
        Already have an account?{' '}
        <Link to="/login" className="text-accent hover:underline">
          Log in
        </Link>
      </p>
    </AuthLayout>
  );
}
