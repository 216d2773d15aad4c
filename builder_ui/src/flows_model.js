// The flow designer's pure operations on the draft document: each takes the document and returns a
// new one (the draft's undo history keeps the old). The canvas's flow comes whole from the server's
// BPMN import; the properties panel changes one node, edge or timer of it.

export const ASSIGNEE_TYPES = ["role", "roles", "group", "users", "field", "submitter", "submitter_manager"];
export const MODES = ["countersign", "or_sign", "sequential"];
export const TASKS = ["user_task", "approval"];

export const flowIndex = (doc, flowId) => (doc.flows || []).findIndex((f) => f.id === flowId);
export const flowOf = (doc, flowId) => (doc.flows || [])[flowIndex(doc, flowId)] || null;

/** A new flow on `form`: a start joined to an end, ready for steps to be dropped onto the line. */
export function addFlow(doc, { id, form, name }) {
  const flow = {
    id, name, form,
    nodes: [{ id: "start", type: "start" }, { id: "end", type: "end" }],
    edges: [{ id: "start_end", source: "start", target: "end" }],
  };
  return { ...doc, flows: [...(doc.flows || []), flow] };
}

export function setFlow(doc, flowId, flow) {
  return { ...doc, flows: (doc.flows || []).map((f) => (f.id === flowId ? flow : f)) };
}

function changeFlow(doc, flowId, change) {
  return { ...doc, flows: (doc.flows || []).map((f) => (f.id === flowId ? change(f) : f)) };
}

const without = (item, key) => {
  const copy = { ...item };
  delete copy[key];
  return copy;
};

/** Set `key` of a node (null/"" removes it). */
export function setNodeProp(doc, flowId, nodeId, key, value) {
  return changeFlow(doc, flowId, (f) => ({
    ...f,
    nodes: f.nodes.map((n) => (n.id !== nodeId ? n : value == null || value === "" ? without(n, key) : { ...n, [key]: value })),
  }));
}

/** A user task becomes an approval (countersign by default) and back. */
export function setTaskKind(doc, flowId, nodeId, kind) {
  return changeFlow(doc, flowId, (f) => ({
    ...f,
    nodes: f.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      if (kind === "approval") return { ...n, type: "approval", mode: n.mode || "countersign" };
      return without(without({ ...n, type: "user_task" }, "mode"), "pass_ratio");
    }),
  }));
}

export const FIELD_MODES = ["hidden", "read_only", "editable", "required"];

/** How `field` shows at a task (null: as the form says); an empty grid is left out. */
export function setFieldPermission(doc, flowId, nodeId, field, mode) {
  return changeFlow(doc, flowId, (f) => ({
    ...f,
    nodes: f.nodes.map((n) => {
      if (n.id !== nodeId) return n;
      const grid = { ...(n.field_permissions || {}) };
      if (mode) grid[field] = mode;
      else delete grid[field];
      return Object.keys(grid).length ? { ...n, field_permissions: grid } : without(n, "field_permissions");
    }),
  }));
}

export function setEdgeProp(doc, flowId, edgeId, key, value) {
  return changeFlow(doc, flowId, (f) => ({
    ...f,
    edges: f.edges.map((e) => (e.id !== edgeId ? e : value == null || value === "" || value === false ? without(e, key) : { ...e, [key]: value })),
  }));
}

/** Set `key` of the boundary timer `timerId` of whichever task holds it. */
export function setTimerProp(doc, flowId, timerId, key, value) {
  return changeFlow(doc, flowId, (f) => ({
    ...f,
    nodes: f.nodes.map((n) => (!(n.timers || []).some((x) => x.id === timerId) ? n : {
      ...n,
      timers: n.timers.map((x) => (x.id !== timerId ? x : value == null || value === "" ? without(x, key) : { ...x, [key]: value })),
    })),
  }));
}

/** What the canvas element `id` is in the flow: {kind: "node"|"edge"|"lane"|"timer", item, holder?}. */
export function elementOf(flow, id) {
  if (!flow || !id) return null;
  const node = flow.nodes.find((n) => n.id === id);
  if (node) return { kind: "node", item: node };
  const edge = flow.edges.find((e) => e.id === id);
  if (edge) return { kind: "edge", item: edge };
  const lane = (flow.lanes || []).find((l) => l.id === id);
  if (lane) return { kind: "lane", item: lane };
  for (const holder of flow.nodes) {
    const timer = (holder.timers || []).find((x) => x.id === id);
    if (timer) return { kind: "timer", item: timer, holder };
  }
  return null;
}

/** The canvas element a problem's pointer (/flows/N/nodes/M/...) names: {flow, element} ids, or null. */
export function pointerElement(doc, parts) {
  if (parts[0] !== "flows") return null;
  const flow = (doc.flows || [])[Number(parts[1])];
  if (!flow) return null;
  const item = ["nodes", "edges", "lanes"].includes(parts[2]) ? (flow[parts[2]] || [])[Number(parts[3])] : null;
  const timer = item && parts[4] === "timers" ? (item.timers || [])[Number(parts[5])] : null;
  return { flow: flow.id, element: (timer || item)?.id || null };
}

/** A boundary timer's action; leaving "route" drops its own line (the edge from the task it took) and
 * the interrupting flag that only a path has; a reminder (notify) keeps the task open. */
export function setTimerAction(doc, flowId, timerId, action) {
  return changeFlow(doc, flowId, (f) => {
    const timer = f.nodes.flatMap((n) => n.timers || []).find((x) => x.id === timerId);
    if (!timer || timer.action === action) return f;
    let next = { ...timer, action };
    let edges = f.edges;
    if (action !== "route") {
      edges = f.edges.filter((e) => e.id !== timer.edge);
      next = without(without(next, "edge"), "interrupting");
    }
    if (action !== "notify" && action !== "escalate") next = without(next, "to");
    return { ...f, edges, nodes: f.nodes.map((n) => ({ ...n, ...(n.timers ? { timers: n.timers.map((x) => (x.id === timerId ? next : x)) } : {}) })) };
  });
}

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** An ISO 8601 duration's parts as [count, unit] (units Y M W D h m s), or null when it is not one. */
export function durationParts(text) {
  const found = DURATION.exec(text || "");
  if (!found) return null;
  return ["Y", "M", "W", "D", "h", "m", "s"].map((unit, k) => [Number(found[k + 1] || 0), unit]).filter(([n]) => n > 0);
}

// -- swimlanes: who does the tasks drawn in each lane (a task's own assignee wins) ----------------
export const LANE_ASSIGNEES = ["role", "group"];

/** Set `key` of lane `laneId` (null/"" removes it). */
export function setLaneProp(doc, flowId, laneId, key, value) {
  return changeFlow(doc, flowId, (f) => ({
    ...f,
    lanes: (f.lanes || []).map((l) => (l.id !== laneId ? l : value == null || value === "" ? without(l, key) : { ...l, [key]: value })),
  }));
}

/** The lane's tasks go to `assignee`; a lane without a name (or with `rename`) takes `name`, the role's. */
export function setLaneAssignee(doc, flowId, laneId, assignee, name, rename = false) {
  return changeFlow(doc, flowId, (f) => ({
    ...f,
    lanes: (f.lanes || []).map((l) => {
      if (l.id !== laneId) return l;
      const named = l.name && Object.values(typeof l.name === "string" ? { x: l.name } : l.name).some(Boolean);
      return (named && !rename) || !name ? { ...l, assignee } : { ...l, assignee, name };
    }),
  }));
}

/** The lane that holds node `nodeId`, or null. */
export const laneOfNode = (flow, nodeId) => (flow?.lanes || []).find((l) => (l.nodes || []).includes(nodeId)) || null;

/** Whether task `node` takes its lane's people (it names none of its own and its lane names some). */
export const takesLaneAssignee = (flow, node) => !node.assignee && !!laneOfNode(flow, node.id)?.assignee;
