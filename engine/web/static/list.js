// Trellis record lists: a relation filter's picker searches its records through the form's options
// endpoint (the same one entry forms use), so a form with thousands of rooms still finds the one.
// Without this script the picker offers the first records the server listed.

for (const select of document.querySelectorAll("select[data-options]")) {
  const search = document.createElement("input");
  search.type = "search";
  search.className = "picker-search";
  search.placeholder = select.dataset.hint;
  select.before(search);
  let timer = 0;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const answer = await fetch(`${select.dataset.options}?q=${encodeURIComponent(search.value)}`, {
        headers: { Accept: "application/json" },
      });
      if (!answer.ok) return;
      const { items } = await answer.json();
      const kept = [...select.options].filter((o) => o.value === "" || o.selected);
      select.replaceChildren(...kept);
      for (const item of items) {
        if (kept.some((o) => o.value === String(item.id))) continue;
        select.append(new Option(item.title, item.id));
      }
    }, 250);
  });
}
