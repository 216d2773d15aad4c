// Trellis flow pages: the staff inbox (live counts), one task (actions, field errors, 409s,
// check-in with the phone's location) and the owner's tracking page (live timeline, rating).
// Plain browser JavaScript; the server decides everything, this only says it sooner and clearer.

const page = document.body.dataset.page;
const text = JSON.parse(document.getElementById("trellis-text").textContent);
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";
const FLASH_KEY = "trellis-flash";

function flash(message) {
  const box = document.getElementById("flash") || document.getElementById("rated");
  if (!box) return;
  box.textContent = message;
  box.hidden = false;
}

function showFlashFromLastPage() {
  const message = sessionStorage.getItem(FLASH_KEY);
  if (message) {
    sessionStorage.removeItem(FLASH_KEY);
    flash(message);
  }
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({}));
  return { response, answer };
}

// Server-sent events; the server ends each stream after a while and the browser reconnects.
function listen(url, event, onData) {
  if (!url || !window.EventSource) return;
  const source = new EventSource(url);
  const dot = document.querySelector(".live-dot");
  source.addEventListener(event, (e) => {
    if (dot) dot.hidden = false;
    onData(JSON.parse(e.data));
  });
  source.addEventListener("error", () => { if (dot) dot.hidden = true; });
  window.addEventListener("pagehide", () => source.close());
}

function fieldError(box, messages) {
  const target = box?.querySelector(".error");
  if (!target) return false;
  target.textContent = messages.join(" ");
  target.hidden = messages.length === 0;
  box.classList.toggle("invalid", messages.length > 0);
  return true;
}

function clearErrors(root) {
  root.querySelectorAll(".field.invalid").forEach((box) => fieldError(box, []));
  const banner = root.querySelector(".form-error");
  if (banner) banner.hidden = true;
}

// -- the inbox --------------------------------------------------------------------------------------
function inboxPage() {
  showFlashFromLastPage();
  let shown = null;
  listen(document.body.dataset.events, "counts", async (counts) => {
    const key = JSON.stringify(counts);
    if (shown === null) { shown = key; }
    for (const [box, count] of Object.entries(counts)) {
      const badge = document.querySelector(`[data-count="${box}"]`);
      if (badge) badge.textContent = count;
    }
    if (key === shown) return;
    shown = key;
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const list = fresh.getElementById("task-list");
    if (list) document.getElementById("task-list").replaceWith(list);
    flash(text.new_tasks);
  });
}

// -- one task ---------------------------------------------------------------------------------------
function taskPage() {
  showFlashFromLastPage();
  const form = document.getElementById("task-form");
  const body = document.body.dataset;
  const uploads = {};
  form.querySelectorAll(".uploads[data-ids]").forEach((list) => {
    uploads[list.dataset.for] = JSON.parse(list.dataset.ids || "[]");
  });

  function valueOf(box) {
    const type = box.dataset.type;
    const id = box.dataset.field;
    const named = [...box.querySelectorAll(`[name="${CSS.escape(id)}"]`)];
    switch (type) {
      case "select": case "radio": case "rating": {
        const input = named.find((i) => i.checked);
        if (!input) return null;
        return type === "rating" ? Number(input.value) : input.value;
      }
      case "checkbox": {
        const input = named.find((i) => i.checked);
        return input ? input.value === "true" : null;
      }
      case "multiselect": return named.filter((i) => i.checked).map((i) => i.value);
      case "image": case "file": return uploads[id] || [];
      case "relation": return named[0].value ? Number(named[0].value) : null;
      case "subtable":
        return [...box.querySelectorAll("tbody tr")].map((row) => {
          const values = {};
          row.querySelectorAll("td[data-column]").forEach((cell) => {
            const input = cell.querySelector("input[name], select");
            if (!input || input.value === "") return;
            values[cell.dataset.column] = cell.dataset.type === "relation" ? Number(input.value) : input.value;
          });
          return values;
        }).filter((row) => Object.keys(row).length > 0);
      default: {
        const input = named[0];
        return !input || input.value.trim() === "" ? null : input.value;
      }
    }
  }

  function collect() {
    const data = {};
    form.querySelectorAll(".field[data-edit]").forEach((box) => { data[box.dataset.field] = valueOf(box); });
    return data;
  }

  function position() {
    return new Promise((resolve) => {
      if (!navigator.geolocation) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(
        (p) => resolve({ lat: p.coords.latitude, lng: p.coords.longitude, accuracy: p.coords.accuracy }),
        () => resolve(null),
        { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 },
      );
    });
  }

  function showProblem(response, answer) {
    const banner = document.getElementById("task-error");
    if (response.status === 409 && answer.code !== "invalid_transition") {
      document.getElementById("conflict").hidden = false;
      form.querySelectorAll("button.act").forEach((b) => { b.disabled = true; });
      return;
    }
    let placed = false;
    for (const [key, messages] of Object.entries(answer.errors || {})) {
      const id = key.split("/")[0];
      const box = form.querySelector(`.field[data-field="${CSS.escape(id === "to" && !form.querySelector('[data-field="to"]') ? "to-node" : id)}"]`);
      if (fieldError(box, messages)) placed = true;
    }
    banner.textContent = response.status === 404 ? text.gone : placed ? text.fix : (answer.detail || text.fix);
    banner.hidden = false;
    const first = form.querySelector(".field.invalid");
    (first || banner).scrollIntoView({ block: "center" });
  }

  async function act(button) {
    clearErrors(document);
    const action = button.dataset.action;
    const comment = form.querySelector("#comment")?.value.trim() || "";
    const payload = { version: Number(body.version) };
    if (comment) payload.comment = comment;
    if (["complete", "save", "check_in", "approve", "reject"].includes(action)) payload.data = collect();
    if (button.dataset.outcome) payload.outcome = button.dataset.outcome;
    if (action === "reject" && !comment) {
      fieldError(form.querySelector('[data-field="comment"]'), [text.comment_needed]);
      return;
    }
    if (action === "return") payload.to = form.querySelector("#return-to")?.value;
    if (["transfer", "delegate", "add_signer"].includes(action)) {
      payload.to = form.querySelector('[data-field="to"] input[name="to"]')?.value.trim();
      if (!payload.to) { fieldError(form.querySelector('[data-field="to"]'), [text.to_needed]); return; }
    }
    const buttons = [...form.querySelectorAll("button.act")];
    buttons.forEach((b) => { b.disabled = true; });
    const label = button.textContent;
    button.textContent = text.working;
    let located = true;
    try {
      if (action === "check_in") {
        const where = await position();
        located = where !== null;
        if (where) {
          payload.location = where;
          form.querySelectorAll('.field[data-type="location"][data-capture]').forEach((box) => {
            payload.data[box.dataset.field] = { lat: where.lat, lng: where.lng };
          });
        }
        for (const [key, value] of Object.entries(payload.data)) { if (value === null) delete payload.data[key]; }
      }
      const { response, answer } = await postJson(body.act.replace("__action__", action), payload);
      if (response.ok) {
        const done = {
          claim: text.claimed_ok, check_in: located ? text.checked_in_ok : text.checked_in_no_location,
          save: text.saved_ok, hand_back: text.handed_back_ok,
        }[action] || text.done_ok;
        sessionStorage.setItem(FLASH_KEY, done);
        const stillMine = answer.task && answer.task.status === "open" && ["claim", "check_in", "save"].includes(action);
        window.location.assign(stillMine ? window.location.href : body.inbox);
        return;
      }
      showProblem(response, answer);
    } catch (error) {
      const banner = document.getElementById("task-error");
      banner.textContent = text.offline;
      banner.hidden = false;
    } finally {
      button.textContent = label;
      if (document.getElementById("conflict").hidden) buttons.forEach((b) => { b.disabled = false; });
    }
  }

  async function upload(input) {
    const id = input.name;
    const list = form.querySelector(`.uploads[data-for="${CSS.escape(id)}"]`);
    const max = Number(input.dataset.maxCount || 9);
    uploads[id] = uploads[id] || [];
    for (const file of input.files) {
      if (uploads[id].length >= max) break;
      const item = document.createElement("li");
      item.textContent = `${file.name} — ${text.uploading}`;
      list.appendChild(item);
      const data = new FormData();
      data.append("file", file);
      const response = await fetch(body.upload.replace("__field__", id), {
        method: "POST", body: data, headers: { "X-CSRFToken": csrfToken }, credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        uploads[id].push(answer.id);
        item.textContent = file.name;
      } else {
        item.remove();
        fieldError(input.closest(".field"), [answer.detail || answer.title || "upload failed"]);
      }
    }
    input.value = "";
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("act")) act(button);
    if (button.classList.contains("add-row")) {
      const table = form.querySelector(`#f-${CSS.escape(button.dataset.for)}`);
      if (table.querySelectorAll("tbody tr").length < Number(table.dataset.maxRows || 50)) {
        table.querySelector("tbody").appendChild(document.getElementById(`row-${button.dataset.for}`).content.cloneNode(true));
      }
    }
    if (button.classList.contains("remove-row")) button.closest("tr").remove();
  });
  form.addEventListener("input", (event) => {
    const box = event.target.closest(".field");
    if (box && box.classList.contains("invalid")) fieldError(box, []);
  });
  form.addEventListener("change", (event) => { if (event.target.type === "file") upload(event.target); });
  form.addEventListener("submit", (event) => event.preventDefault());
  document.querySelector("#conflict .reload").addEventListener("click", () => window.location.reload());
}

// -- the owner's tracking page ----------------------------------------------------------------------
function trackingPage() {
  const body = document.body.dataset;
  const rating = document.getElementById("rating");
  const ratingForm = document.getElementById("rating-form");

  function drawTimeline(state) {
    const list = document.getElementById("timeline");
    const items = [document.getElementById("timeline-first").content.cloneNode(true)];
    for (const entry of state.timeline) {
      const li = document.createElement("li");
      li.className = entry.stage === "rework" ? "reached rework" : "reached";
      li.dataset.stage = entry.stage;
      const label = document.createElement("strong");
      label.textContent = entry.label;
      const at = document.createElement("span");
      at.className = "muted";
      at.textContent = entry.at;
      li.append(label, " ", at);
      const who = entry.handler ? `${text.handler}:${entry.handler}` : entry.by ? `${text.by}:${entry.by}` : "";
      if (who) {
        const span = document.createElement("span");
        span.className = "who";
        span.textContent = who;
        li.append(" ", span);
      }
      items.push(li);
    }
    for (const stage of state.pending) {
      const li = document.createElement("li");
      li.className = "pending";
      const label = document.createElement("strong");
      label.textContent = stage;
      li.append(label);
      items.push(li);
    }
    list.replaceChildren(...items);
    const hasForm = Boolean(document.querySelector("#rating-form .field"));
    if (state.rating && !hasForm) { window.location.reload(); return; }  // the rating form arrives with the page
    rating.hidden = !state.rating;
  }

  listen(body.events, "timeline", drawTimeline);

  ratingForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(rating);
    const data = {};
    let missing = false;
    ratingForm.querySelectorAll(".field").forEach((box) => {
      const type = box.dataset.type;
      const id = box.dataset.field;
      const named = [...box.querySelectorAll(`[name="${CSS.escape(id)}"]`)];
      let value = null;
      if (type === "checkbox") {
        const input = named.find((i) => i.checked);
        value = input ? input.value === "true" : null;
      } else if (type === "rating") {
        const input = named.find((i) => i.checked);
        value = input ? Number(input.value) : null;
      } else {
        value = named[0]?.value.trim() || null;
      }
      if (value !== null) data[id] = value;
      else if (box.querySelector(".req")) { missing = true; }
    });
    const button = ratingForm.querySelector("button.submit");
    button.disabled = true;
    const label = button.textContent;
    button.textContent = text.sending;
    try {
      const { response, answer } = await postJson(body.rate, { data });
      if (response.ok) {
        rating.hidden = true;
        ratingForm.remove();
        document.getElementById("rated").hidden = false;
        drawTimeline(answer);
        return;
      }
      let placed = false;
      for (const [key, messages] of Object.entries(answer.errors || {})) {
        if (fieldError(ratingForm.querySelector(`.field[data-field="${CSS.escape(key.split("/")[0])}"]`), messages)) placed = true;
      }
      const banner = rating.querySelector(".form-error");
      banner.textContent = placed || missing ? text.fix : (answer.detail || text.fix);
      banner.hidden = false;
    } catch (error) {
      const banner = rating.querySelector(".form-error");
      banner.textContent = text.offline;
      banner.hidden = false;
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
}

if (page === "inbox") inboxPage();
if (page === "task") taskPage();
if (page === "tracking") trackingPage();
