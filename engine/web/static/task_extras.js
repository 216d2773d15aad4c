// Task pages, continued: the SLA countdown (inbox and task), type-ahead relation and people inputs,
// sub-table amounts and totals recomputed by the server's preview while one types, photos full size.
// Plain browser JavaScript; the server decides everything, this only says it sooner.

const text = JSON.parse(document.getElementById("trellis-text").textContent);
const data = document.body.dataset;
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";
const joiner = document.documentElement.lang.startsWith("zh") ? "" : " ";

// -- the countdown to a step's due time --------------------------------------------------------------
function span(ms) {
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const parts = [];
  if (d) parts.push(text.days.replace("{n}", d));
  if (d || h) parts.push(text.hours.replace("{n}", h));
  if (!d) parts.push(text.minutes.replace("{n}", m));
  if (!d && !h) parts.push(text.seconds.replace("{n}", s));
  return parts.join(joiner);
}

function tick() {
  const now = Date.now();
  document.querySelectorAll(".countdown[data-due]").forEach((box) => {
    const left = Date.parse(box.dataset.due) - now;
    if (Number.isNaN(left)) return;
    box.textContent = (left >= 0 ? text.left : text.late).replace("{time}", span(left));
    box.classList.toggle("late", left < 0);
    box.classList.toggle("soon", left >= 0 && left < 3600 * 1000);
  });
}
tick();
setInterval(tick, 1000);

// -- type-ahead: the visible box searches, the hidden input holds the chosen id ------------------------
async function search(wrap, query) {
  const list = wrap.querySelector(".lookup-results");
  const kind = wrap.dataset.lookup;
  if (kind === "people" && !query) { list.hidden = true; return; }
  const base = kind === "people" ? data.people : data.choices.replace("__field__", encodeURIComponent(wrap.dataset.path));
  try {
    const response = await fetch(`${base}?q=${encodeURIComponent(query)}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const { items } = await response.json();
    const rows = items.map((item) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.id = item.id;
      li.textContent = item.title;
      return li;
    });
    if (rows.length === 0) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = text.no_match;
      rows.push(none);
    }
    list.replaceChildren(...rows);
    list.hidden = false;
    wrap.querySelector(".lookup-box").setAttribute("aria-expanded", "true");
  } catch (error) { /* offline: the next keystroke tries again */ }
}

function choose(wrap, item) {
  const hidden = wrap.querySelector('input[type="hidden"]');
  hidden.value = item.dataset.id;
  wrap.querySelector(".lookup-box").value = item.textContent;
  wrap.querySelector(".lookup-results").hidden = true;
  wrap.querySelector(".lookup-box").setAttribute("aria-expanded", "false");
  hidden.dispatchEvent(new Event("change", { bubbles: true }));
}

document.addEventListener("input", (event) => {
  const box = event.target.closest(".lookup-box");
  if (!box) return;
  const wrap = box.closest(".lookup");
  wrap.querySelector('input[type="hidden"]').value = "";  // typing again drops the earlier choice
  clearTimeout(wrap.searchTimer);
  wrap.searchTimer = setTimeout(() => search(wrap, box.value.trim()), 200);
});
document.addEventListener("focusin", (event) => {
  const box = event.target.closest(".lookup-box");
  if (box && !box.value) search(box.closest(".lookup"), "");
});
document.addEventListener("mousedown", (event) => {
  const item = event.target.closest(".lookup-results li[data-id]");
  if (item) { event.preventDefault(); choose(item.closest(".lookup"), item); }
});
document.addEventListener("keydown", (event) => {
  const box = event.target.closest(".lookup-box");
  if (!box || event.key !== "Enter") return;
  event.preventDefault();
  const first = box.closest(".lookup").querySelector(".lookup-results li[data-id]");
  if (first) choose(box.closest(".lookup"), first);
});
document.addEventListener("focusout", (event) => {
  const wrap = event.target.closest(".lookup");
  if (wrap) setTimeout(() => { wrap.querySelector(".lookup-results").hidden = true; }, 150);
});

// -- sub-table amounts and totals, from the server's preview of the rows typed so far ----------------
function rowsOf(table) {
  return [...table.querySelectorAll("tbody tr")].map((row) => {
    const values = {};
    row.querySelectorAll("td[data-column]").forEach((cell) => {
      const input = cell.querySelector("input[name], select");
      if (!input || input.value === "") return;
      values[cell.dataset.column] = cell.dataset.type === "relation" ? Number(input.value) : input.value;
    });
    return values;
  });
}

let previewTimer = null;
function recompute() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    const tables = [...document.querySelectorAll('.field[data-type="subtable"][data-edit]')];
    const sent = {};
    tables.forEach((box) => { sent[box.dataset.field] = rowsOf(box.querySelector("table")); });
    try {
      const response = await fetch(data.preview, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(sent),
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const preview = await response.json();
      tables.forEach((box) => {
        const rows = (preview.rows || {})[box.dataset.field] || [];
        box.querySelectorAll("tbody tr").forEach((row, n) => {
          row.querySelectorAll("output[data-cell]").forEach((cell) => {
            const value = (rows[n] || {})[cell.dataset.cell];
            cell.textContent = value ?? "";
          });
        });
      });
      for (const [id, value] of Object.entries(preview.formulas || {})) {
        const output = document.querySelector(`output[data-live="${CSS.escape(id)}"]`);
        if (output) output.textContent = value ?? "";
      }
    } catch (error) { /* offline: the totals catch up on the next change */ }
  }, 300);
}

function inSubtable(event) {
  return event.target.closest && event.target.closest('.field[data-type="subtable"][data-edit]');
}
document.addEventListener("input", (event) => { if (inSubtable(event) && event.target.name) recompute(); });
document.addEventListener("change", (event) => { if (inSubtable(event)) recompute(); });
document.addEventListener("click", (event) => {
  if (event.target.closest(".remove-row, .add-row")) setTimeout(recompute, 0);
});

// -- photos: thumbnails open full size over the page ------------------------------------------------
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.thumb");
  if (!link || !window.HTMLDialogElement) return;
  event.preventDefault();
  const dialog = document.createElement("dialog");
  dialog.className = "full-size";
  const image = document.createElement("img");
  image.src = link.href;
  image.alt = link.querySelector("img")?.alt || "";
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = text.close;
  dialog.append(image, close);
  dialog.addEventListener("click", () => { dialog.close(); dialog.remove(); });
  document.body.append(dialog);
  dialog.showModal();
});
