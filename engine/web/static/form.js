// Trellis generated forms: steps, live conditions, client checks mirroring the server, uploads,
// sub-table rows, relation pickers and server errors shown next to their fields.
// The server decides: every rule here is only a quicker way to say what it would say.

const form = document.getElementById("trellis-form");
const config = JSON.parse(document.getElementById("trellis-config").textContent);
const text = JSON.parse(document.getElementById("trellis-text").textContent);
const steps = [...form.querySelectorAll(".step")];
const fieldsById = Object.fromEntries(config.ui.steps.flatMap((s) => s.fields).map((f) => [f.id, f]));
const idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
const uploads = {};
const uploadTokens = [];  // proof that this page made its anonymous uploads; sent with the submission
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";
const jsonHeaders = { "Content-Type": "application/json", "X-CSRFToken": csrfToken };
let current = 0;

function fieldBox(id) {
  return form.querySelector(`.field[data-field="${CSS.escape(id)}"]`);
}

function showError(id, messages) {
  const box = fieldBox(id);
  const target = box ? box.querySelector(".error") : null;
  if (!target) return false;
  target.textContent = messages.join(" ");
  target.hidden = messages.length === 0;
  box.classList.toggle("invalid", messages.length > 0);
  return true;
}

function clearErrors() {
  form.querySelectorAll(".field.invalid").forEach((box) => {
    box.classList.remove("invalid");
    box.querySelector(".error").hidden = true;
  });
  form.querySelector(".form-error").hidden = true;
}

function valueOf(field) {
  const box = fieldBox(field.id);
  if (!box || box.hidden) return undefined;
  const named = box.querySelectorAll(`[name="${CSS.escape(field.id)}"]`);
  switch (field.type) {
    case "section": return undefined;
    case "radio": case "select": case "rating": {
      const input = [...named].find((i) => i.checked || i.tagName === "SELECT");
      if (!input || input.value === "") return null;
      return field.type === "rating" ? Number(input.value) : input.value;
    }
    case "multiselect": return [...named].filter((i) => i.checked).map((i) => i.value);
    case "checkbox": return named[0].checked;
    case "image": case "file": return uploads[field.id] || [];
    case "relation": {
      const input = box.querySelector("input[data-relation]");
      return input.dataset.value ? Number(input.dataset.value) : null;
    }
    case "subtable":
      return [...box.querySelectorAll("tbody tr")].map((row) => {
        const values = {};
        row.querySelectorAll("input").forEach((input) => {
          const column = field.columns.find((c) => c.id === input.name);
          if (input.dataset.address) {  // a row's photos or files: the ids its uploads answered
            const ids = JSON.parse(input.dataset.ids || "[]");
            if (ids.length) values[input.name] = ids;
            return;
          }
          if (!column || column.read_only || input.value === "") return;
          values[input.name] = column.type === "relation" || column.type === "rating" ? Number(input.value) : input.value;
        });
        return values;
      });
    default: {
      if (field.read_only) return undefined;
      const input = named[0];
      if (!input || input.value.trim() === "") return null;
      return input.value;
    }
  }
}

function collect() {
  const data = {};
  for (const field of Object.values(fieldsById)) {
    const value = valueOf(field);
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0 && field.type !== "subtable")) {
      data[field.id] = value;
    }
  }
  return data;
}

function clientProblems(field, value) {
  const m = field.messages;
  const empty = value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  const box = fieldBox(field.id);
  const required = box && !box.querySelector(".req").hidden;
  if (empty) return required && field.type !== "checkbox" ? [m.required] : [];
  if (field.pattern && typeof value === "string" && !new RegExp(field.pattern).test(value)) return [m.invalid || m.required];
  if (field.max_length && typeof value === "string" && value.length > field.max_length) return [m.too_long];
  if ((field.type === "number" || field.type === "money") && Number.isNaN(Number(value))) return [m.invalid];
  if (field.min !== null && field.min !== undefined && Number(value) < field.min) return [m.below_min];
  if (field.max !== null && field.max !== undefined && Number(value) > field.max) return [m.above_max];
  return [];
}

function checkStep(index) {
  let ok = true;
  steps[index].querySelectorAll(".field").forEach((box) => {
    const field = fieldsById[box.dataset.field];
    if (!field || box.hidden || field.read_only || field.type === "section") return;
    const problems = clientProblems(field, valueOf(field));
    showError(field.id, problems);
    if (problems.length) ok = false;
  });
  return ok;
}

const singlePage = form.dataset.mode === "single";

function show(index) {
  current = singlePage ? steps.length - 1 : index;
  if (singlePage) {
    steps.forEach((step) => { step.hidden = false; });
    form.querySelector(".back").hidden = true;
    form.querySelector(".next").hidden = true;
    form.querySelector(".submit").hidden = false;
    form.querySelector(".progress").textContent = "";
    return;
  }
  steps.forEach((step, n) => { step.hidden = n !== index; });
  form.querySelector(".back").hidden = index === 0;
  form.querySelector(".next").hidden = index === steps.length - 1;
  form.querySelector(".submit").hidden = index !== steps.length - 1;
  form.querySelector(".progress").textContent = steps.length > 1
    ? text.step.replace("{n}", index + 1).replace("{total}", steps.length) : "";
  window.scrollTo(0, 0);
}

let previewTimer = null;
function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    try {
      const response = await fetch(form.dataset.preview, {
        method: "POST", headers: jsonHeaders, body: JSON.stringify(collect()),
      });
      if (!response.ok) return;
      const preview = await response.json();
      for (const [id, visible] of Object.entries(preview.visible)) {
        const box = fieldBox(id);
        if (box) box.hidden = !visible;
      }
      for (const [id, required] of Object.entries(preview.required)) {
        const star = fieldBox(id)?.querySelector(".req");
        if (star) star.hidden = !required;
      }
      for (const [id, value] of Object.entries(preview.formulas)) {
        const output = fieldBox(id)?.querySelector("output");
        if (output) output.textContent = value ?? "";
      }
    } catch (error) { /* offline: conditions update on the next change */ }
  }, 300);
}

function addRow(fieldId) {
  const body = fieldBox(fieldId).querySelector("tbody");
  const max = Number(fieldBox(fieldId).querySelector("table").dataset.maxRows);
  if (body.children.length >= max) return;
  body.appendChild(document.getElementById(`row-${fieldId}`).content.cloneNode(true));
}

// A cascading picker (data-by: the fields that narrow it) sends their answers as by.<field>=<id>.
function narrowing(input) {
  return (input.dataset.by || "").split(" ").filter(Boolean).map((id) => {
    const value = fieldBox(id)?.querySelector("input[data-relation]")?.dataset.value;
    return value ? `&by.${encodeURIComponent(id)}=${encodeURIComponent(value)}` : "";
  }).join("");
}

// After a picker changes, the pickers it narrows keep their choice only if it still fits.
async function refit(sourceId) {
  for (const input of form.querySelectorAll("input[data-relation][data-by]")) {
    if (!input.dataset.value || !input.dataset.by.split(" ").includes(sourceId)) continue;
    const url = form.dataset.options.replace("__field__", input.id.slice(2)) + "?id=" + input.dataset.value + narrowing(input);
    const response = await fetch(url);
    if (!response.ok) continue;
    const { items } = await response.json();
    if (items.length === 0) {
      delete input.dataset.value;
      input.value = "";
      refit(input.id.slice(2));
    }
  }
}

async function pickerSearch(input) {
  const list = input.parentElement.querySelector(".picker-results");
  const url = form.dataset.options.replace("__field__", input.id.slice(2)) + "?q=" + encodeURIComponent(input.value) + narrowing(input);
  const response = await fetch(url);
  if (!response.ok) return;
  const { items } = await response.json();
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement("li");
    li.textContent = item.title;
    li.tabIndex = 0;
    li.addEventListener("click", () => {
      input.value = item.title;
      input.dataset.value = item.id;
      list.hidden = true;
      refit(input.id.slice(2));
      schedulePreview();
    });
    return li;
  }));
  list.hidden = items.length === 0;
}

async function pickerLabel(input) {
  const url = form.dataset.options.replace("__field__", input.id.slice(2)) + "?id=" + input.dataset.value;
  const response = await fetch(url);
  if (!response.ok) return;
  const { items } = await response.json();
  if (items.length) input.value = items[0].title;
}

async function upload(input) {
  // a top-level field keeps its ids in `uploads`; a sub-table row's field on its own input
  const inRow = Boolean(input.dataset.address);
  const field = inRow ? null : fieldsById[input.name];
  const address = inRow ? input.dataset.address : field.id;
  const errorId = inRow ? address.split(".")[0] : field.id;
  const list = inRow ? input.parentElement.querySelector(".uploads") : fieldBox(field.id).querySelector(".uploads");
  const ids = inRow ? JSON.parse(input.dataset.ids || "[]") : (uploads[field.id] = uploads[field.id] || []);
  const maxCount = inRow ? Number(input.dataset.maxCount) : field.max_count;
  for (const file of input.files) {
    if (ids.length >= maxCount) break;
    const item = document.createElement("li");
    item.textContent = `${file.name} — ${text.uploading}`;
    list.appendChild(item);
    const body = new FormData();
    body.append("file", file);
    const response = await fetch(form.dataset.upload.replace("__field__", address), {
      method: "POST", body, headers: { "X-CSRFToken": csrfToken },
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      ids.push(answer.id);
      if (answer.upload_token) uploadTokens.push(answer.upload_token);
      item.textContent = file.name;
    } else {
      item.remove();
      showError(errorId, [answer.detail || answer.title || text.upload_failed]);
    }
  }
  if (inRow) input.dataset.ids = JSON.stringify(ids);
  input.value = "";
}

async function submit() {
  if (!form.dataset.submit) return;  // the builder's preview of a draft: nothing to send it to
  clearErrors();
  for (let n = 0; n < steps.length; n += 1) {
    if (!checkStep(n)) { show(n); return; }
  }
  const button = form.querySelector(".submit");
  button.disabled = true;
  button.textContent = text.submitting;
  try {
    const response = await fetch(form.dataset.submit, {
      method: "POST",
      headers: {
        ...jsonHeaders,
        "Idempotency-Key": idempotencyKey,
        ...(uploadTokens.length ? { "X-Upload-Tokens": uploadTokens.join(",") } : {}),
      },
      body: JSON.stringify(collect()),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      form.hidden = true;
      const done = document.querySelector(".done");
      done.hidden = false;
      const title = answer.title || (answer.data && config.ui.title_field ? answer.data[config.ui.title_field] : answer.id);
      done.querySelector(".done-title").textContent = title ?? "";
      if (answer.tracking_url) {
        const link = document.createElement("a");
        link.href = answer.tracking_url;
        link.textContent = text.track;
        link.className = "track";
        done.appendChild(link);
      }
      return;
    }
    let firstStep = null;
    for (const [key, messages] of Object.entries(answer.errors || {})) {
      const id = key.split("/")[0];
      if (showError(id, messages)) {
        const step = Number(fieldBox(id).closest(".step").dataset.step);
        firstStep = firstStep === null ? step : Math.min(firstStep, step);
      }
    }
    const banner = form.querySelector(".form-error");
    banner.textContent = response.status === 429 ? text.too_many_requests : answer.errors ? text.fix : (answer.detail || text.fix);
    banner.hidden = false;
    if (firstStep !== null) show(firstStep);
  } catch (error) {
    const banner = form.querySelector(".form-error");
    banner.textContent = text.offline;
    banner.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = text.submit;
  }
}

form.querySelector(".next").addEventListener("click", () => { if (checkStep(current)) show(current + 1); });
form.querySelector(".back").addEventListener("click", () => show(current - 1));
form.addEventListener("submit", (event) => { event.preventDefault(); submit(); });
form.addEventListener("input", (event) => {
  const box = event.target.closest(".field");
  if (box && box.classList.contains("invalid")) showError(box.dataset.field, []);
  if (event.target.dataset.relation !== undefined) {
    delete event.target.dataset.value;
    pickerSearch(event.target);
  }
  schedulePreview();
});
form.addEventListener("change", (event) => {
  if (event.target.type === "file") upload(event.target);
  schedulePreview();
});
form.addEventListener("click", (event) => {
  if (event.target.classList.contains("add-row")) addRow(event.target.dataset.for);
  if (event.target.classList.contains("remove-row")) { event.target.closest("tr").remove(); schedulePreview(); }
});
form.querySelectorAll("input[data-relation][data-value]").forEach(pickerLabel);
show(0);
schedulePreview();
