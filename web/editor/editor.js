// Tab is left to move the focus (no keyboard trap); indentation comes from Enter.
//
// The JSON editor of the web app: CodeMirror 6 behind a small facade the Rust app calls through
// wasm-bindgen (`globalThis.indexsmithEditor`). CodeMirror renders the viewport only (text,
// highlighting, line numbers, diagnostic marks), so a keystroke costs what is on screen.
//
// The app's text changes reach Rust at most once per animation frame (and at once when the editor
// loses the focus), in a task of their own posted from the frame: the browser paints the edit
// first, and the app's validation of a large document is not one long task with the editor's
// own layout work. Diagnostics come back as packed positions (1-based line and UTF-16 column, as
// the core reports them) plus one string of messages.

import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import {
  syntaxHighlighting,
  defaultHighlightStyle,
  bracketMatching,
  foldGutter,
  foldKeymap,
  indentOnInput,
} from "@codemirror/language";
import { json } from "@codemirror/lang-json";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
import { search, searchKeymap, highlightSelectionMatches } from "@codemirror/search";

const SEVERITIES = ["error", "warning", "info"];

// Where a 1-based line and UTF-16 column fall in the document, clamped to it.
function offset(doc, line, column) {
  if (line < 1) {
    return 0;
  }
  if (line > doc.lines) {
    return doc.length;
  }
  const l = doc.line(line);
  return Math.min(l.from + Math.max(column - 1, 0), l.to);
}

// One editor in `parent`, holding `text`; `onChange(text)` hears about edits (at most once per
// frame). Returns the handle the app keeps; the same handle is `parent.indexsmithEditor`.
function create(parent, text, onChange) {
  let frame = 0;
  let pending = false;
  // The task the frame posts: a message, which runs before timers and is not throttled.
  const channel = new MessageChannel();
  channel.port1.onmessage = () => flush();
  // A change the app made itself (setText) is not reported back.
  let quiet = false;
  const flush = () => {
    if (frame) {
      cancelAnimationFrame(frame);
      frame = 0;
    }
    if (pending) {
      pending = false;
      onChange(view.state.doc.toString());
    }
  };
  const readOnly = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        foldGutter(),
        lintGutter(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        json(),
        readOnly.of([]),
        keymap.of([
          ...defaultKeymap,
          ...historyKeymap,
          ...foldKeymap,
          ...searchKeymap,
          ...lintKeymap,
        ]),
        EditorView.contentAttributes.of({
          "aria-label": "Manifest JSON",
          spellcheck: "false",
          autocapitalize: "off",
          autocorrect: "off",
        }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged || quiet) {
            return;
          }
          pending = true;
          if (!frame) {
            frame = requestAnimationFrame(() => {
              frame = 0;
              channel.port2.postMessage(0);
            });
          }
        }),
        EditorView.domEventHandlers({ blur: () => flush() }),
      ],
    }),
  });

  const handle = {
    // The editor's text now (what the app will hear about at the next frame).
    text: () => view.state.doc.toString(),
    // Reports a pending edit now.
    flush,
    // Replaces the whole text (a load, a table edit, the app's undo); kept as one undo step of
    // the editor's own history.
    setText(next) {
      // The app's text wins over keystrokes not yet reported: its change was computed from the
      // text it had (the editor reports pending keystrokes when it loses the focus, before a
      // table edit or a button runs).
      pending = false;
      if (frame) {
        cancelAnimationFrame(frame);
        frame = 0;
      }
      const doc = view.state.doc;
      if (doc.length === next.length && doc.toString() === next) {
        return;
      }
      quiet = true;
      try {
        view.dispatch({ changes: { from: 0, to: doc.length, insert: next } });
      } finally {
        quiet = false;
      }
    },
    // `positions`: 5 numbers per diagnostic (start line, start column, end line, end column,
    // severity 0 error / 1 warning / 2 info); `messages`: one per diagnostic, joined by "\0".
    setDiagnostics(positions, messages) {
      const doc = view.state.doc;
      const texts = messages.length ? messages.split("\0") : [];
      const list = [];
      for (let i = 0; i * 5 + 4 < positions.length; i++) {
        const p = i * 5;
        const from = offset(doc, positions[p], positions[p + 1]);
        let to = offset(doc, positions[p + 2], positions[p + 3]);
        if (to < from) {
          to = from;
        }
        list.push({
          from,
          to,
          severity: SEVERITIES[positions[p + 4]] ?? "info",
          message: texts[i] ?? "",
        });
      }
      view.dispatch(setDiagnostics(view.state, list));
    },
    // Selects a range (1-based lines, UTF-16 columns), scrolls it into view and focuses.
    select(startLine, startColumn, endLine, endColumn) {
      const doc = view.state.doc;
      const anchor = offset(doc, startLine, startColumn);
      let head = offset(doc, endLine, endColumn);
      if (head <= anchor) {
        head = Math.min(anchor + 1, doc.length);
      }
      view.dispatch({
        selection: { anchor, head },
        effects: EditorView.scrollIntoView(anchor, { y: "center" }),
      });
      view.focus();
    },
    // The selection as UTF-16 offsets.
    selection() {
      const { from, to } = view.state.selection.main;
      return [from, to];
    },
    destroy() {
      if (frame) {
        cancelAnimationFrame(frame);
      }
      channel.port1.close();
      delete parent.indexsmithEditor;
      view.destroy();
    },
    view,
  };
  parent.indexsmithEditor = handle;
  return handle;
}

globalThis.indexsmithEditor = { create };
