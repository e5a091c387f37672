import {
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
  closeCompletion,
  completionKeymap,
} from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  syntaxHighlighting,
} from '@codemirror/language';
import { type Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { parentPathAt } from './yaml-paths.ts';

/**
 * The YAML editor: CodeMirror 6, loaded only when someone opens the editor (its own chunk).
 *
 * The CSP allows no inline style (`style-src 'self'`). CodeMirror writes its styles with
 * style-mod, which in a document adds a `<style>` element (blocked) but in a shadow root uses a
 * constructable stylesheet (`adoptedStyleSheets`), which the CSP does not govern; so the editor
 * lives in a shadow root, and every style of it comes from `EditorView.theme` (the page's own
 * stylesheet does not reach inside). Its other styling is CSSOM (`element.style`), also allowed.
 */

/** A JSON Schema as `/openapi.json` writes it (the API's own contract, so completion never drifts). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  default?: unknown;
  required?: string[];
}

export interface EditorProblem {
  /** 0-based line. */
  line: number;
  message: string;
}

export interface YamlEditor {
  text(): string;
  setText(text: string): void;
  showProblems(problems: EditorProblem[]): void;
  /** Moves the cursor to a line (0-based) and focuses the editor. */
  goToLine(line: number): void;
  destroy(): void;
}

function resolved(schema: JsonSchema | undefined, components: Record<string, JsonSchema>): JsonSchema | null {
  let s = schema;
  for (let hops = 0; s?.$ref && hops < 10; hops++) s = components[s.$ref.split('/').at(-1)!];
  if (!s) return null;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const useful = alternatives.map((a) => resolved(a, components)).find((a) => a && a.type !== 'null');
    return useful ?? null;
  }
  if (s.allOf) {
    const parts = s.allOf.map((a) => resolved(a, components)).filter((a): a is JsonSchema => !!a);
    return { ...s, properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})) };
  }
  return s;
}

/** The schema of the value at a path of the document, or null where the schema says nothing. */
export function schemaAt(
  root: JsonSchema,
  path: readonly string[],
  components: Record<string, JsonSchema> = {},
): JsonSchema | null {
  let s = resolved(root, components);
  for (const segment of path) {
    if (!s) return null;
    if (s.items || s.prefixItems) {
      s = resolved(s.prefixItems?.[Number(segment)] ?? s.items, components);
    } else if (s.properties?.[segment]) {
      s = resolved(s.properties[segment], components);
    } else if (typeof s.additionalProperties === 'object') {
      s = resolved(s.additionalProperties, components);
    } else {
      return null;
    }
  }
  return s;
}

const typeOf = (s: JsonSchema) =>
  s.enum ? 'one of' : s.items || s.prefixItems ? 'list' : ([s.type].flat()[0] ?? 'value');

/** Completion of keys (from the mapping's properties) and values (enums, booleans). */
export function schemaCompletions(schema: JsonSchema, components: Record<string, JsonSchema> = {}) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const text = ctx.state.doc.toString();
    const value = /^(\s*(?:-\s+)?)([^\s:#][^:#]*?):\s+([\w.-]*)$/.exec(before);
    if (value) {
      const parent = parentPathAt(text, line.number - 1, value[1]!.length);
      const s = schemaAt(schema, [...parent, value[2]!.trim()], components);
      const values =
        s?.enum ?? (s?.type === 'boolean' ? [true, false] : s?.const !== undefined ? [s.const] : null);
      if (!values) return null;
      return {
        from: ctx.pos - value[3]!.length,
        options: values.map((v) => ({ label: String(v), type: 'enum' })),
        validFor: /^[\w.-]*$/,
      };
    }
    const key = /^(\s*(?:-\s+)?)([\w-]*)$/.exec(before);
    if (!key || (!key[2] && !ctx.explicit)) return null;
    const parent = parentPathAt(text, line.number - 1, key[1]!.length);
    const s = schemaAt(schema, parent, components);
    if (!s?.properties) return null;
    const required = new Set(s.required ?? []);
    const options: Completion[] = Object.entries(s.properties).map(([name, prop]) => {
      const p = resolved(prop, components) ?? {};
      const nested = p.properties || p.items || p.prefixItems || p.additionalProperties;
      return {
        label: name,
        type: 'property',
        detail: `${typeOf(p)}${required.has(name) ? ', required' : ''}`,
        apply: nested ? `${name}:\n${' '.repeat(key[1]!.length + 2)}` : `${name}: `,
        boost: required.has(name) ? 1 : 0,
      };
    });
    return { from: ctx.pos - key[2]!.length, options, validFor: /^[\w-]*$/ };
  };
}

const theme = EditorView.theme({
  '&': {
    border: '1px solid #57606a',
    borderRadius: '0.25rem',
    background: '#ffffff',
    color: '#1b1f24',
    fontSize: '0.9rem',
    height: '70vh',
    minHeight: '20rem',
  },
  '&.cm-focused': { outline: '3px solid #1b1f24', outlineOffset: '2px' },
  '.cm-scroller': {
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
    overflow: 'auto',
  },
  '.cm-gutters': { background: '#f4f6f8', color: '#57606a', borderRight: '1px solid #c9d1d9' },
  '.cm-activeLine': { background: '#eef6ff' },
  '.cm-activeLineGutter': { background: '#dbeafe', color: '#1b1f24' },
  '.cm-lintRange-error': { textDecoration: 'underline wavy #a40e26' },
  '.cm-diagnostic-error': { borderLeft: '4px solid #a40e26' },
  '.cm-tooltip': { border: '1px solid #57606a', background: '#ffffff', color: '#1b1f24' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { background: '#0b5cad', color: '#ffffff' },
  '.cm-completionDetail': { color: 'inherit', marginLeft: '0.75em', fontStyle: 'italic' },
});

/** Mounts the editor in a shadow root of `host`. */
export function createYamlEditor(
  host: HTMLElement,
  opts: {
    text: string;
    label: string;
    schema: JsonSchema | null;
    components?: Record<string, JsonSchema>;
    onChange: (text: string) => void;
  },
): YamlEditor {
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: opts.text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        yaml(),
        lintGutter(),
        // Tab is left to move focus (a keyboard user must be able to leave the editor).
        keymap.of([...defaultKeymap, ...historyKeymap, ...completionKeymap]),
        ...(opts.schema
          ? [autocompletion({ override: [schemaCompletions(opts.schema, opts.components)] })]
          : []),
        theme,
        EditorView.lineWrapping,
        // An explicit tabindex on the (natively focusable) content: axe counts only that as the
        // keyboard access its scrollable region needs (scrollable-region-focusable).
        EditorView.contentAttributes.of({ 'aria-label': opts.label, tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) opts.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    text: () => view.state.doc.toString(),
    setText: (text) => {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      closeCompletion(view);
    },
    showProblems: (problems) => {
      const doc = view.state.doc;
      const diagnostics: Diagnostic[] = problems.map((p) => {
        const line = doc.line(Math.min(Math.max(p.line + 1, 1), doc.lines));
        return { from: line.from, to: line.to, severity: 'error', message: p.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    goToLine: (n) => {
      const line = view.state.doc.line(Math.min(Math.max(n + 1, 1), view.state.doc.lines));
      view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}
