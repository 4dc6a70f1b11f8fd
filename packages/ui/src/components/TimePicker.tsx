/** The global time range: quick relative ranges, or an absolute range typed or picked. */
import { Popover } from 'radix-ui';
import { useState } from 'react';
import { describeRange, parseTime, QUICK_RANGES, toLocalInput } from '../lib/time-range';
import { useTimeRange } from '../lib/use-time-range';
import { Icon } from './Icon';
import { Button, cx, Input, Kbd } from './ui';

export function TimePicker({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const range = useTimeRange();
  const [fromText, setFromText] = useState(range.from);
  const [toText, setToText] = useState(range.to);
  const [problem, setProblem] = useState<string | null>(null);

  const openChange = (next: boolean) => {
    if (next) {
      setFromText(range.from);
      setToText(range.to);
      setProblem(null);
    }
    onOpenChange(next);
  };
  const apply = () => {
    const fromMs = parseTime(fromText);
    const toMs = parseTime(toText);
    if (fromMs === null || toMs === null) {
      setProblem('Use now, now-15m, 2026-11-22T10:00:00Z or epoch milliseconds.');
      return;
    }
    if (fromMs >= toMs) {
      setProblem('The start must be before the end.');
      return;
    }
    range.setRange(fromText.trim(), toText.trim());
    onOpenChange(false);
  };

  return (
    <Popover.Root open={open} onOpenChange={openChange}>
      <Popover.Trigger asChild>
        <button
          type="button"
          data-testid="time-picker"
          className="inline-flex h-8 items-center gap-2 rounded-md border border-line bg-panel px-2.5 text-[13px] hover:bg-hover"
        >
          <Icon name="clock" className="text-muted" />
          <span className="tabular">{describeRange(range.from, range.to)}</span>
          <Kbd>t</Kbd>
        </button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          className="z-50 flex w-[520px] rounded-lg border border-line bg-panel text-[13px] shadow-xl"
        >
          <div className="flex w-44 flex-col border-r border-line p-1.5">
            {QUICK_RANGES.map((quick) => (
              <button
                key={quick.from}
                type="button"
                className={cx(
                  'rounded px-2 py-1 text-left hover:bg-hover',
                  range.from === quick.from &&
                    range.to === 'now' &&
                    'bg-accent-soft font-medium text-accent',
                )}
                onClick={() => {
                  range.setRange(quick.from, 'now');
                  onOpenChange(false);
                }}
              >
                {quick.label}
              </button>
            ))}
          </div>
          <form
            className="flex flex-1 flex-col gap-2 p-3"
            onSubmit={(event) => {
              event.preventDefault();
              apply();
            }}
          >
            <div className="text-xs font-semibold text-muted uppercase">
              Absolute or relative range
            </div>
            <label className="flex flex-col gap-1">
              <span className="text-xs text-muted">From</span>
              <Input
                value={fromText}
                onChange={(e) => {
                  setFromText(e.target.value);
                }}
                aria-label="From"
              />
              <input
                type="datetime-local"
                step={1}
                aria-label="From (calendar)"
                className="h-7 rounded border border-line bg-panel-2 px-1 text-xs"
                value={toLocalInput(parseTime(fromText) ?? Date.now())}
                onChange={(e) => {
                  const ms = new Date(e.target.value).getTime();
                  if (!Number.isNaN(ms)) setFromText(new Date(ms).toISOString());
                }}
              />
            </label>
            <label className="flex flex-col gap-1">
              <span className="text-xs text-muted">To</span>
              <Input
                value={toText}
                onChange={(e) => {
                  setToText(e.target.value);
                }}
                aria-label="To"
              />
              <input
                type="datetime-local"
                step={1}
                aria-label="To (calendar)"
                className="h-7 rounded border border-line bg-panel-2 px-1 text-xs"
                value={toLocalInput(parseTime(toText) ?? Date.now())}
                onChange={(e) => {
                  const ms = new Date(e.target.value).getTime();
                  if (!Number.isNaN(ms)) setToText(new Date(ms).toISOString());
                }}
              />
            </label>
            {problem && <div className="text-xs text-danger">{problem}</div>}
            <div className="mt-auto flex justify-end">
              <Button type="submit" variant="primary">
                Apply range
              </Button>
            </div>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
