// Trellis dashboards and report pages: draws each widget from the page's model (the server has
// already named, formatted and linked everything: see engine/services/report_views.py), keeps the
// filters in the address, asks for the numbers again every refresh_seconds, and saves the board
// as one PNG (each chart through Plotly.toImage, the cards and tables drawn as text on a canvas).
(() => {
  "use strict";
  const main = document.getElementById("dashboard");
  if (!main) return;
  const words = JSON.parse(document.getElementById("words").textContent);
  let model = JSON.parse(document.getElementById("model").textContent);
  const form = document.getElementById("board-filters");
  const refreshed = document.getElementById("refreshed");
  const plotConfig = { displayModeBar: false, responsive: true };
  // each widget's place on the board's grid (data, not a style attribute: the page's CSP allows no inline style)
  for (const article of main.querySelectorAll(".widget[data-grid]")) {
    const [x, y, w, h, order] = article.dataset.grid.split(" ");
    Object.entries({ x, y, w, h, order }).forEach(([name, value]) => article.style.setProperty(`--${name}`, value));
  }

  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "style") node.style.cssText = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  };
  const go = (url) => {
    if (url) window.location.href = url;
  };
  const linkCell = (tag, text, drill, attrs = {}) =>
    el(tag, attrs, drill ? el("a", { href: drill }, text) : text);

  function kpi(card) {
    const arrow = { up: "▲", down: "▼", flat: "■" }[card.trend] || "";
    const change = card.trend
      ? el("span", { class: `change ${card.trend}`, title: words[`trend_${card.trend}`] }, `${arrow} ${card.change}`)
      : null;
    return el(
      card.drill ? "a" : "div",
      { class: "kpi", href: card.drill },
      el("strong", { class: "kpi-value" }, card.value),
      change,
      card.previous ? el("span", { class: "previous muted" }, card.previous) : null,
    );
  }

  function table(data, cls = "data") {
    const head = el("tr", {}, ...data.header.map((h, i) => el("th", { scope: "col", class: data.numeric[i] ? "num" : null }, h)));
    const rows = data.rows.map((row) =>
      el(
        "tr",
        { class: row.drill ? "drill" : null, "data-drill": row.drill },
        ...row.cells.map((c, i) => linkCell("td", c, i === 0 ? row.drill : null, { class: data.numeric[i] ? "num" : null })),
      ),
    );
    const totals = el(
      "tr",
      { class: "totals" },
      ...data.totals.cells.map((c, i) => el(i === 0 ? "th" : "td", { class: data.numeric[i] ? "num" : null, scope: i === 0 ? "row" : null }, c)),
    );
    const node = el("table", { class: cls }, el("thead", {}, head), el("tbody", {}, ...rows), el("tfoot", {}, totals));
    node.addEventListener("click", (event) => {
      const row = event.target.closest("tr[data-drill]");
      if (row && !event.target.closest("a")) go(row.dataset.drill);
    });
    return node;
  }

  function pivot(data) {
    const heat = (level) => (level === null || level === undefined ? null : `background: rgba(47, 111, 223, ${(0.08 + level * 0.6).toFixed(2)})`);
    const cell = (c, extra = {}) => linkCell("td", c.text, c.drill, { class: "num", style: heat(c.heat), ...extra });
    const head = el(
      "tr",
      {},
      ...data.corner.map((c) => el("th", { scope: "col" }, c)),
      ...data.columns.map((c) => el("th", { scope: "col", class: "num" }, c)),
      el("th", { scope: "col", class: "num" }, words.total),
    );
    const rows = data.rows.map((row) =>
      el(
        "tr",
        { class: row.subtotal ? "subtotal" : null },
        ...row.labels.map((l) => el("th", { scope: "row" }, l)),
        ...row.cells.map((c) => cell(c)),
        cell(row.total, { class: "num total" }),
      ),
    );
    const totals = el(
      "tr",
      { class: "totals" },
      el("th", { scope: "row", colspan: data.corner.length }, data.totals.label),
      ...data.totals.cells.map((c) => cell(c)),
      cell(data.totals.total, { class: "num total" }),
    );
    return el("table", { class: "pivot" }, el("caption", {}, data.measure), el("thead", {}, head), el("tbody", {}, ...rows), el("tfoot", {}, totals));
  }

  function chart(body, figure) {
    const box = el("div", { class: "chart" });
    body.append(box);
    if (!window.Plotly) return;
    const layout = { ...figure.layout, autosize: true };
    window.Plotly.newPlot(box, figure.data, layout, { ...plotConfig, locale: document.documentElement.lang });
    box.on("plotly_click", (event) => go(event.points && event.points[0] && event.points[0].customdata));
  }

  function drawWidget(article, widget) {
    const body = article.querySelector(".widget-body");
    const old = body.querySelector(".chart");
    if (old && window.Plotly) window.Plotly.purge(old);
    body.replaceChildren();
    const title = article.querySelector(".open-report");
    if (title && widget.href) title.href = widget.href;
    for (const kind of ["csv", "xlsx"]) {
      const link = article.querySelector(`.exports .${kind}`);
      if (link && widget.exports) link.href = widget.exports[kind];
    }
    if (widget.message) body.append(el("p", { class: "message" }, widget.message));
    else if (widget.empty) body.append(el("p", { class: "empty" }, words.empty));
    else if (widget.kpi) body.append(kpi(widget.kpi));
    else if (widget.pivot) body.append(el("div", { class: "table-wrap" }, pivot(widget.pivot)));
    else if (widget.figure) chart(body, widget.figure);
    else if (widget.table) body.append(el("div", { class: "table-wrap" }, table(widget.table)));
  }

  function draw() {
    const widgets = model.widgets || (model.widget ? [model.widget] : []);
    for (const widget of widgets) {
      const article = document.querySelector(`[data-widget="${CSS.escape(widget.id)}"]`);
      if (article) drawWidget(article, widget);
    }
    const rows = document.getElementById("rows-table");
    if (rows && model.widget && model.widget.table) rows.replaceChildren(table(model.widget.table));
    for (const kind of ["csv", "xlsx"]) {
      const link = document.querySelector(`.board-tools .${kind}`);
      if (link && model.exports) link.href = model.exports[kind];
    }
    const back = document.querySelector(".to-board");
    if (back && model.board) back.href = model.board.href;
    if (refreshed) refreshed.textContent = refreshed.dataset.template.replace("{time}", new Date().toLocaleTimeString(document.documentElement.lang));
  }

  function query() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) params.append(key, value);
    return params;
  }

  async function load(params) {
    const answer = await fetch(`${main.dataset.data}?${params}`, { headers: { Accept: "application/json" } });
    if (!answer.ok) throw new Error(String(answer.status));
    model = await answer.json();
    draw();
  }

  function changed() {
    const params = query();
    window.history.replaceState(null, "", `${window.location.pathname}?${params}`);
    main.classList.add("loading");
    load(params)
      .catch(() => refreshed && (refreshed.textContent = words.failed))
      .finally(() => main.classList.remove("loading"));
  }

  if (form) {
    form.addEventListener("change", changed);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      changed();
    });
  }

  const every = Number(main.dataset.refresh || 30) * 1000;
  window.setInterval(() => {
    if (document.visibilityState !== "visible") return;
    load(new URLSearchParams(window.location.search)).catch(() => refreshed && (refreshed.textContent = words.failed));
  }, every);

  // -- the whole board as one PNG --------------------------------------------------------------
  async function png() {
    const scale = 2;
    const grid = document.getElementById("grid").getBoundingClientRect();
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(grid.width * scale);
    canvas.height = Math.ceil(grid.height * scale);
    const ctx = canvas.getContext("2d");
    ctx.scale(scale, scale);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, grid.width, grid.height);
    const font = getComputedStyle(document.body).fontFamily;
    for (const article of document.querySelectorAll("#grid .widget")) {
      const box = article.getBoundingClientRect();
      const x = box.left - grid.left;
      const y = box.top - grid.top;
      ctx.strokeStyle = "#e4e7eb";
      ctx.strokeRect(x + 0.5, y + 0.5, box.width - 1, box.height - 1);
      ctx.fillStyle = "#1f2933";
      ctx.font = `600 14px ${font}`;
      ctx.fillText(article.querySelector("h2").textContent.trim(), x + 12, y + 22, box.width - 24);
      const chartBox = article.querySelector(".chart");
      if (chartBox && window.Plotly) {
        const where = chartBox.getBoundingClientRect();
        const url = await window.Plotly.toImage(chartBox, { format: "png", width: where.width, height: where.height });
        const image = new Image();
        await new Promise((resolve) => {
          image.onload = resolve;
          image.onerror = resolve;
          image.src = url;
        });
        ctx.drawImage(image, where.left - grid.left, where.top - grid.top, where.width, where.height);
        continue;
      }
      const value = article.querySelector(".kpi-value");
      if (value) {
        ctx.font = `700 32px ${font}`;
        ctx.fillText(value.textContent, x + 12, y + 68, box.width - 24);
        const change = article.querySelector(".change");
        ctx.font = `14px ${font}`;
        if (change) ctx.fillText(change.textContent, x + 12, y + 92, box.width - 24);
        continue;
      }
      ctx.font = `12px ${font}`;
      let line = y + 44;
      for (const row of article.querySelectorAll("tr, p")) {
        if (line > y + box.height - 8) break;
        const cells = row.matches("tr") ? [...row.children].map((c) => c.textContent.trim()) : [row.textContent.trim()];
        ctx.fillText(cells.join("   "), x + 12, line, box.width - 24);
        line += 18;
      }
    }
    const link = document.createElement("a");
    link.download = `${document.title}.png`;
    link.href = canvas.toDataURL("image/png");
    document.body.append(link);
    link.click();
    link.remove();
  }
  const pngButton = document.getElementById("export-png");
  if (pngButton) pngButton.addEventListener("click", () => png().catch(() => {}));

  window.trellisDashboardPng = png;
  if (window.Plotly) draw();
  else window.addEventListener("load", draw);
})();
