// The draft being edited: loaded from the server, changed through model operations with undo/redo,
// saved after a pause (PUT draft with the revision it was based on). A save refused with 409 (someone
// else saved first) keeps the builder's document and shows what changed until they choose.
import { useEffect, useRef, useState, useCallback } from "preact/hooks";
import { get, put } from "./api.js";
import * as History from "./history.js";

const SAVE_DELAY = 700;

export function useDraft(app) {
  const [history, setHistory] = useState(null);
  const [meta, setMeta] = useState({ revision: null, problems: [], warnings: [], status: "loading", conflict: null, error: null });
  const dirty = useRef(false);
  const current = useRef({ history: null, meta: null });
  current.current = { history, meta };
  const path = `/apps/${encodeURIComponent(app)}/draft`;

  const load = useCallback(async () => {
    try {
      const draft = await get(path);
      dirty.current = false;
      setHistory(History.start(draft.document));
      setMeta({ revision: draft.revision, problems: draft.problems || [], warnings: draft.warnings || [], status: "saved", conflict: null, error: null, draft });
    } catch (error) {
      setMeta((m) => ({ ...m, status: "error", error }));
    }
  }, [path]);

  useEffect(() => { load(); }, [load]);

  const save = useCallback(async (revision) => {
    const { history: h, meta: m } = current.current;
    if (!h) return;
    setMeta({ ...m, status: "saving" });
    try {
      const answer = await put(path, { document: h.present, revision: revision ?? m.revision });
      dirty.current = current.current.history.present !== h.present;
      setMeta((now) => ({ ...now, revision: answer.revision, problems: answer.problems || [], warnings: answer.warnings || [], status: dirty.current ? "pending" : "saved", conflict: null, error: null }));
    } catch (error) {
      if (error.status === 409) setMeta((now) => ({ ...now, status: "conflict", conflict: error.body }));
      else setMeta((now) => ({ ...now, status: "error", error }));
    }
  }, [path]);

  useEffect(() => {
    if (!history || !dirty.current || meta.status === "conflict" || meta.status === "saving") return undefined;
    const timer = setTimeout(() => save(), SAVE_DELAY);
    return () => clearTimeout(timer);
  }, [history, meta.status]);

  const change = (next) => {
    dirty.current = true;
    current.current = { ...current.current, history: next };  // a second change before the next render builds on this one
    setMeta((m) => (m.status === "conflict" ? m : { ...m, status: "pending" }));
    setHistory(next);
  };
  return {
    doc: history?.present,
    meta,
    apply: (operation) => change(History.push(current.current.history, operation(current.current.history.present))),
    undo: () => history?.past.length && change(History.undo(history)),
    redo: () => history?.future.length && change(History.redo(history)),
    canUndo: !!history?.past.length,
    canRedo: !!history?.future.length,
    reload: load,
    /** Keep mine: save again on top of what is stored now (their revision). */
    overwrite: () => save(meta.conflict?.current_revision),
    flush: () => (dirty.current ? save() : Promise.resolve()),
    /** Change and save at once (before leaving the page, say). */
    applyAndSave: async (operation) => {
      const next = operation(current.current.history.present);
      const answer = await put(path, { document: next, revision: current.current.meta.revision });
      dirty.current = false;
      setHistory(History.push(current.current.history, next));
      setMeta((now) => ({ ...now, revision: answer.revision, problems: answer.problems || [], warnings: answer.warnings || [], status: "saved" }));
    },
  };
}
