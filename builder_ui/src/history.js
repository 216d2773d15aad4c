// Undo/redo over whole documents: each edit pushes the document it replaced.
const LIMIT = 200;

export function start(doc) {
  return { past: [], present: doc, future: [] };
}

export function push(history, doc) {
  if (doc === history.present) return history;
  return { past: [...history.past, history.present].slice(-LIMIT), present: doc, future: [] };
}

export function undo(history) {
  if (!history.past.length) return history;
  return { past: history.past.slice(0, -1), present: history.past[history.past.length - 1], future: [history.present, ...history.future] };
}

export function redo(history) {
  if (!history.future.length) return history;
  return { past: [...history.past, history.present], present: history.future[0], future: history.future.slice(1) };
}
