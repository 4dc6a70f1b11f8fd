/**
 * The search-language bar shared by traces and logs: syntax highlighting, completion of field
 * names (from the facets of the data in range) and of values, Enter to search.
 */
import {
  autocompletion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { StreamLanguage, type StringStream } from '@codemirror/language';
import { Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { useMemo, useRef, useState } from 'react';
import { CodeEditor } from './CodeEditor';
import { Icon } from './Icon';
import { Button, cx, Kbd } from './ui';

interface TokenState {
  /** The previous token was `field:` or a comparison: the next word is a value. */
  expectValue: boolean;
}

/** Tokenizer of the search language (docs/api.md#search-language) for highlighting. */
export const searchLanguage = StreamLanguage.define<TokenState>({
  startState: () => ({ expectValue: false }),
  token(stream: StringStream, state: TokenState) {
    if (stream.eatSpace()) return null;
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) {
      state.expectValue = false;
      return 'string';
    }
    if (stream.match(/^[()]/)) return 'paren';
    if (state.expectValue) {
      state.expectValue = false;
      if (stream.match(/^-?\d+(?:\.\d+)?(?:ns|us|ms|s|m|h)?(?=[\s()]|$)/)) return 'number';
      stream.match(/^(?:\\.|[^\s()])+/);
      return 'atom';
    }
    if (stream.match(/^(?:AND|OR|NOT)(?=[\s()]|$)/)) return 'keyword';
    if (stream.match(/^-(?=\S)/)) return 'operator';
    if (stream.match(/^(?:\\.|[^\s():<>=])+(?=:|>|<)/)) {
      return 'propertyName';
    }
    if (stream.match(/^(?::?(?:>=|<=|>|<)|:)/)) {
      state.expectValue = true;
      return 'operator';
    }
    if (!stream.match(/^(?:\\.|[^\s()])+/)) stream.next();
    return null;
  },
});

export interface SearchBarProps {
  value: string;
  onSubmit: (query: string) => void;
  /** Field names offered by completion. */
  fields: readonly { name: string; detail?: string }[];
  /** Values of a field for completion (the most frequent first). */
  valuesFor?: (field: string) => Promise<string[]>;
  placeholder?: string;
  error?: string | null;
}

export function SearchBar({
  value,
  onSubmit,
  fields,
  valuesFor,
  placeholder,
  error,
}: SearchBarProps) {
  const [draft, setDraft] = useState(value);
  const [lastValue, setLastValue] = useState(value);
  if (value !== lastValue) {
    setLastValue(value);
    setDraft(value);
  }
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const fieldsRef = useRef(fields);
  fieldsRef.current = fields;
  const valuesRef = useRef(valuesFor);
  valuesRef.current = valuesFor;
  const submitRef = useRef(onSubmit);
  submitRef.current = onSubmit;

  const extensions = useMemo(
    () => [
      searchLanguage,
      autocompletion({
        override: [
          async (context: CompletionContext): Promise<CompletionResult | null> => {
            const valueMatch = context.matchBefore(/-?[\w.@-]+(?::|:?[<>]=?)"?[^\s()"]*$/);
            if (valueMatch && valuesRef.current) {
              const split = /^-?([\w.@-]+)(:|:?[<>]=?)"?/.exec(valueMatch.text)!;
              const field = split[1]!;
              const values = await valuesRef.current(field).catch(() => []);
              return {
                from: valueMatch.from + split[0].length,
                options: values.map((v) => ({
                  label: /[\s()"*]/.test(v) || v === '' ? JSON.stringify(v) : v,
                  type: 'constant',
                })),
              };
            }
            const word = context.matchBefore(/-?[\w.@]*$/);
            if (!word || (word.from === word.to && !context.explicit)) return null;
            const from = word.text.startsWith('-') ? word.from + 1 : word.from;
            return {
              from,
              options: fieldsRef.current.map((f) => ({
                label: `${f.name}:`,
                displayLabel: f.name,
                detail: f.detail,
                type: 'property',
              })),
              validFor: /^[\w.@]*$/,
            };
          },
        ],
        icons: false,
      }),
      Prec.high(
        keymap.of([
          {
            key: 'Enter',
            run: () => {
              submitRef.current(draftRef.current.trim());
              return true;
            },
          },
        ]),
      ),
    ],
    [],
  );

  return (
    <div className="flex flex-col gap-1">
      <div
        className={cx(
          'flex min-h-9 items-center gap-2 rounded-md border bg-panel pl-2.5 focus-within:border-accent',
          error ? 'border-danger' : 'border-line',
        )}
      >
        <Icon name="search" className="shrink-0 text-muted" />
        <CodeEditor
          value={draft}
          onChange={setDraft}
          extensions={extensions}
          placeholder={placeholder}
          singleLine
          searchInput
          ariaLabel="Search"
          className="flex-1"
          testId="search-bar"
        />
        <Kbd>/</Kbd>
        <Button
          variant="primary"
          size="sm"
          className="mr-1"
          onClick={() => {
            onSubmit(draft.trim());
          }}
        >
          Search
        </Button>
      </div>
      {error && (
        <div role="alert" className="font-mono text-xs text-danger">
          {error}
        </div>
      )}
    </div>
  );
}

/** Span fields the search language knows (docs/api.md), offered before any attribute. */
export const SPAN_FIELDS: readonly { name: string; detail: string }[] = [
  { name: 'service', detail: 'service name' },
  { name: 'name', detail: 'span name' },
  { name: 'duration', detail: 'e.g. duration>250ms' },
  { name: 'status', detail: 'ok error unset' },
  { name: 'kind', detail: 'server client producer consumer internal' },
  { name: 'http.route', detail: 'column' },
  { name: 'http.method', detail: 'column' },
  { name: 'http.status_code', detail: 'column' },
  { name: 'db.system', detail: 'column' },
  { name: 'messaging.system', detail: 'column' },
  { name: 'peer.service', detail: 'column' },
  { name: 'server.address', detail: 'column' },
  { name: 'env', detail: 'deployment.environment' },
  { name: 'trace_id', detail: 'hex id' },
  { name: 'span_id', detail: 'hex id' },
];
