// An expression input: a one-line CodeMirror editor that asks the server's validator
// (check-expression) as the builder types, marks its problems and offers its completions.
import { useEffect, useRef } from "preact/hooks";
import { Annotation, EditorState, Transaction } from "@codemirror/state";
import { EditorView, keymap, placeholder as placeholderExt } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { autocompletion } from "@codemirror/autocomplete";
import { linter, lintGutter } from "@codemirror/lint";
import { post } from "./api.js";

async function check(context, expression) {
  const { app, form, kind, document } = context();
  return post(`/apps/${encodeURIComponent(app)}/check-expression`, { expression, form, kind, document: document() });
}

function completionSource(context) {
  return async (cm) => {
    const word = cm.matchBefore(/[\w.]*/);
    if (!word || (word.from === word.to && !cm.explicit)) return null;
    let answer;
    try {
      answer = await check(context, cm.state.doc.toString());
    } catch {
      return null;
    }
    const typed = word.text;
    const dot = typed.lastIndexOf(".");
    const from = dot >= 0 ? word.from + dot + 1 : word.from;
    const prefix = dot >= 0 ? typed.slice(0, dot + 1) : "";
    const options = (answer.completions || [])
      .filter((c) => !prefix || c.label.startsWith(prefix))
      .map((c) => ({
        label: prefix ? c.label.slice(prefix.length) : c.label,
        type: c.type === "field" || c.type === "path" ? "variable" : c.type,
        detail: c.detail,
      }));
    return { from, options, validFor: /^\w*$/ };
  };
}

function lintSource(context, report) {
  return async (view) => {
    const text = view.state.doc.toString();
    if (!text.trim()) {
      report([]);
      return [];
    }
    let answer;
    try {
      answer = await check(context, text);
    } catch {
      return [];
    }
    const problems = answer.problems || [];
    report(problems);
    const size = view.state.doc.length;
    return problems.map((p) => {
      const from = Math.max(0, Math.min(p.start ?? 0, size));
      const to = Math.max(from, Math.min(p.end ?? size, size));
      return { from, to: to === from && size ? Math.min(size, from + 1) : to, severity: "error", message: p.message };
    });
  };
}

const fromOutside = Annotation.define();

/** `context()` returns {app, form, kind, document: () => doc}; `onChange(text)` gets every edit. */
export function ExpressionInput({ id, value, onChange, context, label, onProblems }) {
  const host = useRef(null);
  const view = useRef(null);
  const latest = useRef({ onChange, context, onProblems });
  latest.current = { onChange, context, onProblems };

  useEffect(() => {
    const ctx = () => latest.current.context();
    const report = (problems) => latest.current.onProblems?.(problems);
    // inside a shadow root CodeMirror styles itself with a constructed stylesheet: the page's CSP
    // (style-src 'self') refuses the <style> element it would add to the document's head
    const root = host.current.shadowRoot || host.current.attachShadow({ mode: "open" });
    view.current = new EditorView({
      parent: root,
      root,
      state: EditorState.create({
        doc: value || "",
        extensions: [
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr)),
          autocompletion({ override: [completionSource(ctx)], activateOnTyping: true }),
          linter(lintSource(ctx, report), { delay: 400 }),
          lintGutter(),
          EditorView.theme({
            "&": { fontFamily: "ui-monospace, monospace", fontSize: "0.9rem", backgroundColor: "#fff" },
            "&.cm-focused": { outline: "2px solid #2563eb" },
          }),
          placeholderExt(""),
          EditorView.contentAttributes.of({ "aria-label": label, id: id || "" }),
          EditorView.updateListener.of((update) => {
            // a value set from outside is already the document's: echoing it back would add a second undo step
            if (update.docChanged && !update.transactions.some((tr) => tr.annotation(fromOutside))) {
              latest.current.onChange(update.state.doc.toString());
            }
          }),
        ],
      }),
    });
    return () => view.current.destroy();
  }, []);

  useEffect(() => {
    // only changes from outside (undo, another field): while typing, the editor is ahead of the document
    const current = view.current;
    if (current && !current.hasFocus && current.state.doc.toString() !== (value || "")) {
      current.dispatch({
        changes: { from: 0, to: current.state.doc.length, insert: value || "" },
        annotations: [fromOutside.of(true), Transaction.addToHistory.of(false)],
      });
    }
  }, [value]);

  return <div class="expression" ref={host} />;
}
