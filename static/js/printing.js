// Printing many work orders in the background: a form marked data-print-batch is sent
// with fetch; the worker's progress is polled and shown in the form's progress bar, then
// a link downloads the PDF. Without JavaScript the same form posts and lands on a page
// that refreshes itself until the PDF is ready.
// Text comes translated from the form (data-print-strings); the DOM is never built from strings.
(function () {
  "use strict";
  const CSRF = document.querySelector('meta[name="csrf-token"]').content;
  const POLL_MS = 1000;

  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name]));

  async function fetchJson(url, options) {
    try {
      const response = await fetch(url, { credentials: "same-origin", ...options,
        headers: { Accept: "application/json", "X-CSRFToken": CSRF } });
      return { ok: response.ok, body: await response.json().catch(() => ({})) };
    } catch (error) {
      return { ok: false, body: null };
    }
  }

  function refusal(body, T) {
    if (!body) return T.network;
    return [body.message || T.failed, ...Object.values(body.fields || {})].join(" ");
  }

  function show(box, state, T) {
    const bar = box.querySelector("progress");
    const line = box.querySelector(".print-progress-text");
    const link = box.querySelector(".print-download");
    box.hidden = false;
    box.dataset.state = state.state;
    bar.max = Math.max(state.total || 1, 1);
    bar.value = state.done || 0;
    bar.hidden = state.state === "failed" || state.state === "refused";
    if (state.state === "refused") line.textContent = state.message;
    else if (state.state === "failed") line.textContent = T.failed;
    else if (state.state === "retrying") line.textContent = T.retrying;
    else if (state.state === "queued") line.textContent = T.preparing;
    else line.textContent = fill(T.progress, { done: state.done || 0, total: state.total || 0 });
    link.hidden = state.state !== "done";
    if (state.state === "done") {
      link.href = state.download;
      link.textContent = T.download;
    }
  }

  async function follow(box, statusUrl, downloadUrl, T) {
    for (;;) {
      const answer = await fetchJson(statusUrl, { method: "GET" });
      if (!answer.ok) {
        show(box, { state: "refused", message: refusal(answer.body, T) }, T);
        return;
      }
      show(box, { ...answer.body, download: downloadUrl }, T);
      if (answer.body.state === "done" || answer.body.state === "failed") return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async function start(form) {
    const T = JSON.parse(form.dataset.printStrings);
    const box = form.querySelector("[data-print-progress]");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    show(box, { state: "queued", done: 0, total: 1 }, T);
    const answer = await fetchJson(form.action, { method: "POST", body: new FormData(form) });
    if (!answer.ok) {
      show(box, { state: "refused", message: refusal(answer.body, T) }, T);
    } else {
      show(box, { state: "queued", done: 0, total: answer.body.total }, T);
      await follow(box, answer.body.status_url, answer.body.download_url, T);
    }
    button.disabled = false;
  }

  document.querySelectorAll("form[data-print-batch]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      start(form);
    });
  });

  // "Tick every intervention of the page" (shown only when this script runs).
  document.querySelectorAll("input[data-select-all]").forEach((all) => {
    const boxes = () => document.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`);
    all.hidden = false;
    all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
  });
})();
