/**
 * CodeMirror 6 in React: the editor is created once; the document follows `value` when it
 * changes from outside (URL navigation), and every edit is reported through `onChange`.
 */
import { history, historyKeymap, defaultKeymap } from '@codemirror/commands';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap, placeholder as placeholderExtension } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useRef } from 'react';
import { cx } from './ui';

export const editorTheme = EditorView.theme({
  '&': { backgroundColor: 'transparent', color: 'var(--fg)' },
  '.cm-content': { fontFamily: 'var(--font-mono)', caretColor: 'var(--fg)', padding: '5px 0' },
  '.cm-line': { padding: '0 8px' },
  '.cm-cursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'var(--select) !important',
  },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-tooltip': {
    backgroundColor: 'var(--panel)',
    border: '1px solid var(--line)',
    color: 'var(--fg)',
  },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent-soft)',
    color: 'var(--fg)',
  },
  '.cm-completionDetail': { color: 'var(--muted)', fontStyle: 'normal', marginLeft: '8px' },
  '.cm-gutters': { backgroundColor: 'var(--panel-2)', color: 'var(--muted)', border: 'none' },
  '.cm-activeLine': { backgroundColor: 'transparent' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
});

export const codeHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: [tags.propertyName, tags.labelName, tags.attributeName], color: 'var(--accent)' },
    { tag: [tags.string, tags.special(tags.string)], color: '#16a34a' },
    {
      tag: [tags.keyword, tags.operatorKeyword, tags.modifier],
      color: '#a855f7',
      fontWeight: '600',
    },
    { tag: [tags.number, tags.bool, tags.atom], color: '#ea580c' },
    { tag: [tags.operator, tags.compareOperator, tags.bracket, tags.paren], color: 'var(--muted)' },
    { tag: [tags.function(tags.variableName), tags.function(tags.name)], color: '#0891b2' },
    { tag: [tags.typeName, tags.className], color: '#0891b2' },
    { tag: tags.comment, color: 'var(--muted)', fontStyle: 'italic' },
    { tag: tags.invalid, color: 'var(--danger)' },
  ]),
);

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  /** Language, completion and key bindings specific to the use. */
  extensions: Extension[];
  placeholder?: string;
  className?: string;
  singleLine?: boolean;
  ariaLabel: string;
  /** Marks the editor as the page's search field (the `/` shortcut focuses it). */
  searchInput?: boolean;
  testId?: string;
}

export function CodeEditor({
  value,
  onChange,
  extensions,
  placeholder,
  className,
  singleLine,
  ariaLabel,
  searchInput,
  testId,
}: CodeEditorProps) {
  const parent = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    const state = EditorState.create({
      doc: value,
      extensions: [
        ...extensions,
        history(),
        keymap.of([...defaultKeymap, ...historyKeymap]),
        editorTheme,
        codeHighlight,
        placeholder ? placeholderExtension(placeholder) : [],
        EditorView.contentAttributes.of({ 'aria-label': ariaLabel }),
        singleLine
          ? EditorState.transactionFilter.of((tr) =>
              tr.newDoc.lines > 1
                ? [
                    tr,
                    {
                      changes: {
                        from: 0,
                        to: tr.newDoc.length,
                        insert: tr.newDoc.toString().replace(/\n/g, ' '),
                      },
                      sequential: true,
                    },
                  ]
                : tr,
            )
          : [],
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
        }),
      ],
    });
    view.current = new EditorView({ state, parent: parent.current! });
    return () => {
      view.current?.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const current = view.current;
    if (current && current.state.doc.toString() !== value) {
      current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
    }
  }, [value]);

  return (
    <div
      ref={parent}
      className={cx('min-w-0', className)}
      data-search-input={searchInput ? '' : undefined}
      data-testid={testId}
    />
  );
}
