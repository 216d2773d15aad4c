// The notification bell of the session bar: keeps the unread count live over server-sent events
// (/notifications/stream, see engine/web/notification_pages.py). Without JavaScript the bell is a
// plain link to the list with the count the server drew. The stream is closed while the tab is
// hidden, so background tabs do not hold one of the server's few live-stream slots.
(() => {
  const bell = document.getElementById("bell");
  if (!bell || !window.EventSource || bell.dataset.live) return;
  bell.dataset.live = "1";
  const count = document.getElementById("bell-count");
  const label = bell.getAttribute("aria-label") || "";
  let source = null;

  function show(data) {
    const unread = Number(data.unread) || 0;
    const before = Number(count.textContent) || 0;
    count.textContent = String(unread);
    count.hidden = unread === 0;
    bell.classList.toggle("unread", unread > 0);
    bell.title = data.latest ? `${label}: ${data.latest}` : label;
    bell.setAttribute("aria-label", unread ? `${label} (${unread})` : label);
    if (unread > before) {
      bell.classList.remove("rang");
      void bell.offsetWidth; // restart the animation
      bell.classList.add("rang");
    }
  }

  function open() {
    if (source) return;
    source = new EventSource(bell.dataset.stream);
    source.addEventListener("notifications", (event) => show(JSON.parse(event.data)));
  }

  function close() {
    if (source) source.close();
    source = null;
  }

  document.addEventListener("visibilitychange", () => (document.hidden ? close() : open()));
  window.addEventListener("pagehide", close);
  if (!document.hidden) open();
})();
