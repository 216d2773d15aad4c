// Bulk import: send the file with a progress bar, then show the server's result in place.
// Without JavaScript the form posts normally and the same result page comes back.
(function () {
  "use strict";
  const form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const box = form.querySelector(".upload-progress");
    const bar = box.querySelector("progress");
    const label = box.querySelector(".progress");
    const button = form.querySelector("button[type=submit]");
    const request = new XMLHttpRequest();
    box.hidden = false;
    button.disabled = true;
    bar.value = 0;
    label.textContent = form.dataset.uploading.replace("{percent}", "0");
    request.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      label.textContent = form.dataset.uploading.replace("{percent}", String(percent));
    });
    request.upload.addEventListener("load", function () {
      bar.removeAttribute("value");  // indeterminate while the server checks every row
      label.textContent = form.dataset.processing;
    });
    request.addEventListener("load", function () {
      const page = new DOMParser().parseFromString(request.responseText, "text/html");
      const fresh = page.querySelector("main");
      if (fresh) {
        const incoming = fresh.querySelector("#import-form");
        if (incoming) incoming.replaceWith(form);  // keep this form, and its listener, in the new page
        document.querySelector("main").replaceWith(document.adoptNode(fresh));
        const result = document.getElementById("import-result");
        if (result) result.scrollIntoView({ block: "start" });
      } else {
        label.textContent = form.dataset.failed;
      }
      box.hidden = true;
      button.disabled = false;
      form.reset();
    });
    request.addEventListener("error", function () {
      label.textContent = form.dataset.failed;
      button.disabled = false;
    });
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "text/html");
    request.send(new FormData(form));
  });
})();
