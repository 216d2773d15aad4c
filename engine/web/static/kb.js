// Knowledge base: live search (the public page and the box beside a staff task) and the vote.
// The server decides everything; this only asks it and shows its answer.

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

function debounce(run, wait) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => run(...args), wait); };
}

function showResults(list, empty, items) {
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = item.url;
    const title = document.createElement("strong");
    title.textContent = item.title;
    const snippet = document.createElement("span");
    snippet.className = "muted";
    snippet.textContent = item.snippet;
    a.append(title, snippet);
    li.append(a);
    return li;
  }));
  if (empty) empty.hidden = items.length > 0;
}

for (const form of document.querySelectorAll("form.kb-search[data-search]")) {
  const input = form.querySelector("input[type=search]");
  const list = form.parentElement.querySelector(".kb-results");
  const empty = form.parentElement.querySelector(".kb-empty, #kb-empty");
  let asked = 0;
  const search = async () => {
    const mine = ++asked;
    const url = new URL(form.dataset.search, location.href);
    url.searchParams.set("q", input.value);
    const response = await fetch(url);
    if (!response.ok || mine !== asked) return;
    showResults(list, empty, (await response.json()).items);
  };
  input.addEventListener("input", debounce(search, 250));
  form.addEventListener("submit", (event) => { event.preventDefault(); search(); });
}

const vote = document.querySelector(".kb-vote[data-vote]");
if (vote) {
  const said = vote.querySelector("#kb-vote-said");
  for (const button of vote.querySelectorAll("button[data-helpful]")) {
    button.addEventListener("click", async () => {
      vote.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      const response = await fetch(vote.dataset.vote, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify({ helpful: button.dataset.helpful === "true" }),
      });
      const answer = await response.json().catch(() => ({}));
      said.textContent = answer.message || answer.detail || "";
      said.hidden = false;
    });
  }
}
