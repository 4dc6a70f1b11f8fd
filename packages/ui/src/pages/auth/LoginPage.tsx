import { getRouteApi, Link } from '@tanstack/react-router';
import { Button, Input } from '../../components/ui';
import { useSession } from '../../lib/session';
import { AuthLayout, Field, useAuthForm } from './AuthLayout';

const route = getRouteApi('/login');

export function LoginPage() {
  const { redirect } = route.useSearch();
  const { status } = useSession();
  const form = useAuthForm('/api/v1/auth/login', redirect ?? '/services');
  return (
    <AuthLayout title="Log in" subtitle="Sign in to your organisation's telemetry.">
      <form
        className="flex flex-col gap-3"
        onSubmit={form.submit((f) => ({ email: f.get('email'), password: f.get('password') }))}
      >
        <Field label="Email">
          <Input name="email" type="email" autoComplete="username" required autoFocus />
        </Field>
        <Field label="Password">
          <Input name="password" type="password" autoComplete="current-password" required />
        </Field>
        {form.error}
        <Button type="submit" variant="primary" disabled={form.pending}>
          {form.pending ? 'Signing in…' : 'Log in'}
        </Button>
      </form>
      {status.signupAllowed && (
        <p className="mt-4 text-center text-xs text-muted">
          No account?{' '}
          <Link to="/signup" className="text-accent hover:underline">
            Create an organisation
          </Link>
        </p>
      )}
    </AuthLayout>
  );
}
