import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import type { ReactNode, SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ui';

export function AuthLayout({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-full items-center justify-center bg-bg p-6">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <img src="/favicon.svg" alt="" className="size-8" />
          <span className="text-xl font-semibold tracking-tight">Pharos</span>
        </div>
        <div className="rounded-xl border border-line bg-panel p-6 shadow-sm">
          <h1 className="text-lg font-semibold">{title}</h1>
          {subtitle && <p className="mt-1 text-muted">{subtitle}</p>}
          <div className="mt-5">{children}</div>
        </div>
      </div>
    </div>
  );
}

export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <label className="flex flex-col gap-1">
      <span className="text-xs font-medium">{label}</span>
      {children}
      {hint && <span className="text-[11px] text-muted">{hint}</span>}
    </label>
  );
}

/** Posts an auth form; on success refreshes the session and goes on to `to`. */
export function useAuthForm(path: string, to: string) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const mutation = useMutation({
    mutationFn: (body: unknown) => api(path, { method: 'POST', body, quiet401: true }),
    onSuccess: async () => {
      await queryClient.resetQueries({ queryKey: ['auth'] });
      await navigate({ to: to.startsWith('/') && !to.startsWith('//') ? to : '/services' });
    },
  });
  const submit =
    (build: (form: FormData) => unknown) => (event: SyntheticEvent<HTMLFormElement>) => {
      event.preventDefault();
      mutation.mutate(build(new FormData(event.currentTarget)));
    };
  const error = mutation.error ? (
    <ErrorNotice error={mutation.error} title="That did not work" />
  ) : null;
  return { submit, pending: mutation.isPending, error };
}
