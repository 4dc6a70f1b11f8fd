/** The design system's small pieces, all on the tokens in index.css. */
import {
  useState,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
} from 'react';
import { Icon, type IconName } from './Icon';

export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(' ');
}

type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

const VARIANTS: Record<ButtonVariant, string> = {
  primary: 'bg-accent text-accent-fg hover:opacity-90 border-transparent',
  secondary: 'bg-panel text-fg hover:bg-hover border-line',
  ghost: 'bg-transparent text-fg hover:bg-hover border-transparent',
  danger: 'bg-danger text-white hover:opacity-90 border-transparent',
};

export function Button({
  variant = 'secondary',
  icon,
  size = 'md',
  className,
  children,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  icon?: IconName;
  size?: 'sm' | 'md';
}) {
  return (
    <button
      type="button"
      {...props}
      className={cx(
        'inline-flex items-center justify-center gap-1.5 rounded-md border font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-50',
        size === 'sm' ? 'h-7 px-2 text-xs' : 'h-8 px-3 text-[13px]',
        VARIANTS[variant],
        className,
      )}
    >
      {icon && <Icon name={icon} size={size === 'sm' ? 13 : 15} />}
      {children}
    </button>
  );
}

export function Input({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
  return (
    <input
      {...props}
      className={cx(
        'h-8 rounded-md border border-line bg-panel px-2.5 text-[13px] text-fg placeholder:text-muted focus:border-accent focus:outline-none',
        className,
      )}
    />
  );
}

export function Select({ className, children, ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select
      {...props}
      className={cx(
        'h-8 rounded-md border border-line bg-panel px-2 text-[13px] text-fg focus:border-accent focus:outline-none',
        className,
      )}
    >
      {children}
    </select>
  );
}

export function Panel({
  title,
  actions,
  children,
  className,
  bodyClassName,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  bodyClassName?: string;
}) {
  return (
    <section
      className={cx('flex min-w-0 flex-col rounded-lg border border-line bg-panel', className)}
    >
      {(title !== undefined || actions !== undefined) && (
        <header className="flex h-9 shrink-0 items-center justify-between gap-2 border-b border-line px-3">
          <h2 className="truncate text-xs font-semibold tracking-wide text-muted uppercase">
            {title}
          </h2>
          <div className="flex items-center gap-1.5">{actions}</div>
        </header>
      )}
      <div className={cx('min-h-0 flex-1', bodyClassName)}>{children}</div>
    </section>
  );
}

export function Badge({
  children,
  color,
  className,
}: {
  children: ReactNode;
  color?: string;
  className?: string;
}) {
  return (
    <span
      className={cx(
        'inline-flex items-center gap-1 rounded px-1.5 py-px text-[11px] font-medium whitespace-nowrap',
        className,
      )}
      style={
        color ? { color, background: `color-mix(in srgb, ${color} 14%, transparent)` } : undefined
      }
    >
      {children}
    </span>
  );
}

export function ServiceDot({ color }: { color: string }) {
  return (
    <span className="inline-block size-2 shrink-0 rounded-full" style={{ background: color }} />
  );
}

export function Skeleton({ className }: { className?: string }) {
  return <div className={cx('skeleton', className)} aria-hidden="true" />;
}

export function TableSkeleton({ rows = 8 }: { rows?: number }) {
  return (
    <div className="space-y-2 p-3" role="status" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-5" />
      ))}
    </div>
  );
}

export function ErrorNotice({
  error,
  title = 'The server answered with an error',
}: {
  error: unknown;
  title?: string;
}) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div
      role="alert"
      className="m-3 flex items-start gap-2 rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-danger"
    >
      <Icon name="alert" className="mt-0.5 shrink-0" />
      <div className="min-w-0">
        <div className="font-semibold">{title}</div>
        <div className="font-mono text-xs break-words whitespace-pre-wrap">{message}</div>
      </div>
    </div>
  );
}

export function Kbd({ children }: { children: ReactNode }) {
  return (
    <kbd className="rounded border border-line bg-panel-2 px-1 font-mono text-[10px] text-muted">
      {children}
    </kbd>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="sm"
      variant="ghost"
      icon={copied ? 'check' : 'copy'}
      aria-label={label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => {
            setCopied(false);
          }, 1500);
        });
      }}
    >
      {copied ? 'Copied' : label}
    </Button>
  );
}

export function CodeBlock({ text, label }: { text: string; label?: string }) {
  return (
    <div className="flex items-start rounded-md border border-line bg-panel-2">
      <pre className="min-w-0 flex-1 overflow-x-auto p-3 font-mono text-xs leading-relaxed">
        {text}
      </pre>
      <div className="shrink-0 p-1">
        <CopyButton text={text} label={label ?? 'Copy'} />
      </div>
    </div>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="flex min-h-11 flex-wrap items-center justify-between gap-2">
      <div className="min-w-0">
        <h1 className="truncate text-base font-semibold">{title}</h1>
        {subtitle && <div className="text-xs text-muted">{subtitle}</div>}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}

export function Stat({
  label,
  value,
  tone,
}: {
  label: string;
  value: ReactNode;
  tone?: 'danger' | 'ok';
}) {
  return (
    <div className="min-w-0 rounded-lg border border-line bg-panel px-3 py-2">
      <div className="text-[11px] font-medium tracking-wide text-muted uppercase">{label}</div>
      <div
        className={cx(
          'tabular truncate text-lg font-semibold',
          tone === 'danger' && 'text-danger',
          tone === 'ok' && 'text-ok',
        )}
      >
        {value}
      </div>
    </div>
  );
}
