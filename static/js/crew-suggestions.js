// "Suggest a crew": the ranked crews of an intervention (GET …/crew-suggestions) with their
// score and reasons, the crews left out with why, and one "Assign" button per crew that
// takes the workflow step to "assigned" with that team (POST …/transitions, with the
// version read, so a stale ranking gets the 409 of optimistic locking). Used by the
// intervention page (any [data-crew-suggestions] element) and by the dispatch map's card
// (window.vigieDispatch.showSuggestions). Strings come translated from
// #crew-suggestion-strings; the DOM is built with textContent only.
(function () {
  "use strict";
  const stringsNode = document.getElementById("crew-suggestion-strings");
  if (!stringsNode) return;
  const T = JSON.parse(stringsNode.textContent);
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const CSRF = csrfMeta ? csrfMeta.content : "";

  const el = window.vigieEl;

  async function api(url, options = {}) {
    const init = { credentials: "same-origin", cache: "no-store", ...options,
      headers: { Accept: "application/json", "X-CSRFToken": CSRF, ...(options.headers || {}) } };
    if (options.json !== undefined) {
      init.body = JSON.stringify(options.json);
      init.headers["Content-Type"] = "application/json";
    }
    try {
      const response = await fetch(url, init);
      const body = response.status === 304 ? {} : await response.json().catch(() => ({}));
      return { status: response.status, body, etag: response.headers.get("ETag") };
    } catch (error) {
      return { status: 0, body: { message: T.networkError } };
    }
  }

  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, name) => values[name]);

  // Render the ranking of `url` into `body`; `transitionUrl` takes the assignment;
  // `onAssigned(teamName)` runs after a successful one.
  async function showSuggestions(body, url, transitionUrl, onAssigned) {
    body.replaceChildren(el("p", { class: "muted", text: T.loading }));
    const answer = await api(url);
    if (answer.status !== 200) {
      body.replaceChildren(el("p", { class: "error-message", text: answer.body.message || T.networkError }));
      return;
    }
    const { intervention, ranked, excluded } = answer.body;
    const status = el("p", { class: "suggestion-status", role: "status" });
    const assign = async (crew, button) => {
      button.disabled = true;
      const result = await api(transitionUrl, { method: "POST",
        json: { to: "assigned", team_id: crew.team_id, version: intervention.version } });
      if (result.status === 200) {
        status.className = "suggestion-status flash";
        status.textContent = fill(T.assigned, { team: crew.name });
        body.querySelectorAll("button.assign").forEach((b) => { b.disabled = true; });
        if (onAssigned) onAssigned(crew.name);
      } else {
        button.disabled = false;
        status.className = "suggestion-status error-message";
        const details = Object.values(result.body.fields || {}).join(" ");
        status.textContent = `${T.notSaved} ${result.body.message || T.networkError} ${details}`.trim();
      }
    };
    const crewItem = (crew, rank) => el("li", { class: "suggestion", "data-team-id": crew.team_id },
      el("div", { class: "suggestion-head" },
        el("strong", { class: "crew-name", text: rank ? `${rank}. ${crew.name}` : crew.name }),
        crew.score !== null ? el("span", { class: "score", title: T.score, text: String(Math.round(crew.score)) }) : null,
        rank && intervention.can_assign ? el("button", { type: "button", class: "assign primary-inline",
          "data-team-id": crew.team_id, text: T.assign,
          onclick: (event) => assign(crew, event.currentTarget) }) : null),
      el("ul", { class: "reasons" }, crew.reasons.map((r) => el("li", { "data-code": r.code, text: r.text }))));
    body.replaceChildren(...[
      intervention.can_assign ? null : el("p", { class: "muted", text: T.cannotAssign }),
      ranked.length ? el("ol", { class: "suggestion-list", "data-testid": "crew-suggestions" },
        ranked.map((crew, index) => crewItem(crew, index + 1))) : el("p", { class: "muted", text: T.none }),
      status,
      excluded.length ? el("details", { class: "excluded" },
        el("summary", { text: `${T.excluded} (${excluded.length})` }),
        el("ul", { class: "suggestion-list" }, excluded.map((crew) => crewItem(crew, 0)))) : null,
    ].filter(Boolean));
  }

  window.vigieDispatch = Object.assign(window.vigieDispatch || {}, { el, api, showSuggestions, strings: T });

  document.querySelectorAll("[data-crew-suggestions]").forEach((panel) => {
    const body = panel.querySelector(".suggestion-body");
    const after = panel.dataset.afterAssign === "reload" ? () => window.setTimeout(() => window.location.reload(), 600) : null;
    showSuggestions(body, panel.dataset.url, panel.dataset.transitionUrl, after);
  });
})();
