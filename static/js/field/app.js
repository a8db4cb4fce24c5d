// The tablet app: "My day" (list and map), the mission sheets, the actions (all through
// the queue), the agent's position while on duty, and the service worker that keeps the
// app, the day and its map tiles for a day offline.
(function () {
  "use strict";
  const root = document.getElementById("field-app");
  const config = root.dataset;
  const t = JSON.parse(document.getElementById("field-strings").textContent);
  const language = config.language || "fr";
  const { el } = window.fieldSheet;
  const POSITION_PERIOD_MS = 15000;
  const DAY_POLL_MS = 30000;

  const state = { day: null, etag: null, extraSheets: {}, openId: null, queue: [], online: navigator.onLine };

  const $ = (id) => document.getElementById(id);
  const dayList = $("day-list");
  const sheetView = $("sheet-view");
  const dayView = $("day-view");
  const dayMap = window.fieldMap.create($("field-map"), config.tilesUrl, (id) => openSheet(id));

  // ---- the service worker: the app shell, the day and the map tiles kept offline ------
  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register(config.swUrl, { scope: config.homeUrl });
      const ready = await navigator.serviceWorker.ready;
      const urls = [config.homeUrl, ...config.shell.split(" ").filter(Boolean)];
      ready.active.postMessage({ type: "keep-shell", urls });
    } catch (error) {
      console.warn("service worker", error);
    }
  }

  async function keepTiles(day) {
    if (!("serviceWorker" in navigator) || !day || !day.bbox) return;
    const ready = await navigator.serviceWorker.ready;
    const points = day.interventions.map((s) => [s.longitude, s.latitude]);
    ready.active.postMessage({ type: "keep-tiles", day: day.day,
      urls: window.fieldMap.tileUrls(config.tilesUrl, day.bbox, points) });
  }

  // ---- the day ------------------------------------------------------------------------
  function dayUrl() {
    const date = new URLSearchParams(window.location.search).get("date");
    return date ? `${config.dayUrl}?date=${encodeURIComponent(date)}` : config.dayUrl;
  }

  async function loadDay() {
    const headers = { Accept: "application/json" };
    if (state.etag && state.day) headers["If-None-Match"] = state.etag;
    let response;
    try {
      response = await fetch(dayUrl(), { headers, cache: "no-cache" });
    } catch (error) {
      setOnline(false);
      return;
    }
    if (response.status === 401) { showLogin(true); return; }
    if (response.status === 304) { setOnline(true); return; }
    if (!response.ok) return;
    const kept = response.headers.get("X-Vigie-Offline-Copy");
    setOnline(!kept);
    state.day = await response.json();
    state.etag = response.headers.get("ETag");
    $("day-freshness").textContent = t.updatedAt.replace("%(when)s",
      new Intl.DateTimeFormat(language, { timeStyle: "short", timeZone: "Europe/Paris" }).format(new Date(state.day.generated_at)))
      + (kept ? ` (${t.keptOffline})` : "");
    if (!kept) keepTiles(state.day);
    await refresh();
  }

  function sheetOf(id) {
    const fromDay = state.day && state.day.interventions.find((s) => s.id === id);
    return fromDay || state.extraSheets[id] || null;
  }

  function statusColour(status) {
    return { assigned: "#0b5cad", in_progress: "#b35c00", on_hold: "#7a4d9c", completed: "#1e7b34", closed: "#4f5d6b" }[status] || "#0b3d6e";
  }

  async function refresh() {
    state.queue = await window.fieldQueue.pending();
    renderPending();
    await renderReview();
    if (!state.day) return;
    $("day-label").textContent = new Intl.DateTimeFormat(language, { weekday: "long", day: "numeric", month: "long" })
      .format(new Date(`${state.day.day}T12:00:00`));
    const views = state.day.interventions.map((s) => window.fieldSheet.withPending(s, state.queue));
    $("day-no-team").hidden = state.day.teams.length > 0;
    $("day-empty").hidden = !(state.day.teams.length > 0 && views.length === 0);
    dayList.replaceChildren(...views.map((view, index) => el("li", {},
      el("button", { type: "button", class: `day-row status-${view.status}`, "data-testid": "day-row",
        "data-reference": view.reference, onclick: () => openSheet(view.id) },
        el("span", { class: "rank", text: String(index + 1) }),
        el("span", { class: "row-main" },
          el("strong", { text: view.reference }),
          el("span", { text: [t.kinds[view.kind], view.commune_name].filter(Boolean).join(" · ") }),
          el("span", { class: "muted", text: view.assets.map((a) => a.reference).join(", ") })),
        el("span", { class: "row-side" },
          el("span", { class: `badge priority-${view.priority}`, text: view.priority }),
          el("span", { class: `badge status-${view.status}`, text: t.statuses[view.status] || view.status }),
          view.pendingCount ? el("span", { class: "pending-dot", title: t.waiting, text: "⟳" }) : null)))));
    dayMap.show(views, (view) => statusColour(view.status));
    if (state.openId !== null) renderSheet();
  }

  // ---- the mission sheet --------------------------------------------------------------
  async function openSheet(id, fromAddress) {
    state.openId = id;
    if (!sheetOf(id)) {
      try {
        const response = await fetch(`${config.sheetUrl}/${id}`, { headers: { Accept: "application/json" } });
        if (response.ok) state.extraSheets[id] = await response.json();
      } catch (error) { /* offline: said below */ }
    }
    if (!fromAddress) history.pushState({ sheet: id }, "", `${config.homeUrl}interventions/${id}${window.location.search}`);
    dayView.hidden = true;
    sheetView.hidden = false;
    $("back-to-day").hidden = false;
    $("field-title").hidden = true;
    renderSheet();
    window.scrollTo(0, 0);
  }

  function closeSheet(fromAddress) {
    state.openId = null;
    if (!fromAddress) history.pushState({}, "", `${config.homeUrl}${window.location.search}`);
    sheetView.hidden = true;
    dayView.hidden = false;
    $("back-to-day").hidden = true;
    $("field-title").hidden = false;
    dayMap.updateSize();
  }

  function renderSheet() {
    const sheet = sheetOf(state.openId);
    if (!sheet) {
      sheetView.replaceChildren(el("p", { class: "empty", text: t.notFound }));
      return;
    }
    const view = window.fieldSheet.withPending(sheet, state.queue);
    window.fieldSheet.render(sheetView, view, {
      strings: t, language, crewSteps: (state.day && state.day.crew_steps) || {},
      attachmentsUrl: config.attachmentsUrl,
      handlers: {
        step: (kind) => step(sheet, view, kind),
        checklist: (index, done) => queue({ kind: "checklist", sheet, data: {
          checklist: view.checklist.map((task, i) => (i === index ? done : task.done)) } }),
        photo: () => { photoFor = sheet; $("photo-input").value = ""; $("photo-input").click(); },
        signature: () => openSignature(sheet),
        note: () => ask("dlg-note", (form) => queue({ kind: "note", sheet, data: { note: form.note.value.trim() } })),
      },
    });
    if (!(state.day && state.day.interventions.some((s) => s.id === sheet.id))) {
      sheetView.prepend(el("p", { class: "banner", text: t.notOnDay }));
    }
  }

  function queue({ kind, sheet, data, file, filename }) {
    const versioned = ["start", "hold", "resume", "complete", "checklist"].includes(kind);
    return window.fieldQueue.enqueue({ kind, interventionId: sheet ? sheet.id : null,
      version: versioned ? sheet.version : null, data, file, filename, label: sheet ? sheet.reference : null })
      .then(refresh);
  }

  function step(sheet, view, kind) {
    if (kind === "start" || kind === "resume") return queue({ kind, sheet, data: {} });
    if (kind === "hold") return ask("dlg-hold", (form) => queue({ kind, sheet, data: { comment: form.comment.value.trim() } }));
    if (kind === "complete") return askReport(sheet, view);
    return null;
  }

  // A dialog whose form, when confirmed, gives its values to ``then``.
  function ask(id, then, prepare) {
    const dialog = $(id);
    const form = dialog.querySelector("form");
    form.reset();
    if (prepare) prepare(form);
    dialog.onclose = () => { if (dialog.returnValue === "ok") then(form); };
    dialog.returnValue = "";
    dialog.showModal();
  }

  function askReport(sheet, view) {
    const dialog = $("dlg-complete");
    const outcome = dialog.querySelector("select[name=outcome]");
    if (outcome.options.length === 1) {
      for (const [value, text] of Object.entries(t.outcomes)) outcome.append(el("option", { value, text }));
    }
    const replacement = dialog.querySelector(".replacement");
    outcome.onchange = () => { replacement.hidden = outcome.value !== "replaced"; };
    ask("dlg-complete", (form) => {
      const parts = form.parts_used.value.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
        const match = /^(.*?)(?:\s*[×xX*]\s*(\d+))?$/.exec(line);
        return { name: match[1].trim(), quantity: match[2] ? Number(match[2]) : 1 };
      });
      const data = { cause: form.cause.value.trim(), action_taken: form.action_taken.value.trim(), parts_used: parts,
        time_spent_minutes: Number(form.time_spent_minutes.value), outcome: form.outcome.value };
      if (form.outcome.value === "replaced") {
        data.replacement = { manufacturer: form.manufacturer.value.trim(), model: form.model.value.trim(),
          serial: form.serial.value.trim() };
      }
      queue({ kind: "complete", sheet, data });
    }, (form) => {
      form.cause.required = view.kind === "corrective";
      replacement.hidden = true;
    });
  }

  let photoFor = null;
  $("photo-input").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file || !photoFor) return;
    try {
      const photo = await window.fieldMedia.resizedPhoto(file);
      await queue({ kind: "photo", sheet: photoFor, data: {}, file: photo.blob, filename: photo.filename });
    } catch (error) {
      alert(t.photoFailed);
    }
  });

  const pad = window.fieldMedia.signaturePad($("signature-pad"));
  $("signature-clear").addEventListener("click", () => pad.clear());
  function openSignature(sheet) {
    ask("dlg-signature", async () => {
      if (pad.isEmpty()) { alert(t.signatureEmpty); return; }
      const blob = await pad.png();
      await queue({ kind: "signature", sheet, data: {}, file: blob, filename: `signature-${sheet.reference}.png` });
    }, () => pad.clear());
  }

  // ---- report a new problem where the agent stands ------------------------------------
  $("report-problem").addEventListener("click", () => {
    const sheet = state.openId !== null ? sheetOf(state.openId) : null;
    ask("dlg-problem", async (form) => {
      const fix = lastFix;
      const data = { description: form.description.value.trim(), asset_id: form.asset_id.value ? Number(form.asset_id.value) : null,
        longitude: fix ? fix.longitude : null, latitude: fix ? fix.latitude : null };
      let file = null;
      let filename = null;
      if (form.photo.files[0]) {
        try {
          const photo = await window.fieldMedia.resizedPhoto(form.photo.files[0]);
          file = photo.blob;
          filename = photo.filename;
        } catch (error) {
          alert(t.photoFailed);
          return;
        }
      }
      await window.fieldQueue.enqueue({ kind: "request", data, file, filename, label: t.actions.request });
      refresh();
    }, (form) => {
      const select = form.asset_id;
      select.replaceChildren(el("option", { value: "", text: "—" }),
        ...(sheet ? sheet.assets : []).map((a) => el("option", { value: a.id, text: `${a.reference} · ${a[`label_${language}`] || a.label_fr}` })));
      $("problem-position").textContent = lastFix
        ? t.positionKnown.replace("%(metres)s", Math.round(lastFix.accuracy || 0)) : t.positionUnknown;
    });
  });

  // ---- position while on duty ---------------------------------------------------------
  let lastFix = null;
  let watch = null;
  let lastSent = 0;
  function setDuty(on) {
    localStorage.setItem("vigie-field-duty", on ? "on" : "off");
    const button = $("duty-toggle");
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? t.onDuty : t.offDuty;
    if (on && watch === null && navigator.geolocation) {
      watch = navigator.geolocation.watchPosition((position) => {
        lastFix = position.coords;
        dayMap.showPosition(lastFix.longitude, lastFix.latitude);
        if (Date.now() - lastSent >= POSITION_PERIOD_MS) {
          lastSent = Date.now();
          window.fieldQueue.addPosition(lastFix);
        }
      }, () => {}, { enableHighAccuracy: true, maximumAge: 10000 });
    } else if (!on && watch !== null) {
      navigator.geolocation.clearWatch(watch);
      watch = null;
    }
  }
  // watchPosition calls back only on moves: a crew standing still still reports every 15 s.
  setInterval(() => {
    if (watch !== null && lastFix && Date.now() - lastSent >= POSITION_PERIOD_MS) {
      lastSent = Date.now();
      window.fieldQueue.addPosition(lastFix);
    }
  }, 5000);
  $("duty-toggle").addEventListener("click", () => setDuty($("duty-toggle").getAttribute("aria-pressed") !== "true"));

  // ---- status: online, waiting actions, refused ones, login needed --------------------
  function setOnline(online) {
    state.online = online;
    const pill = $("net-status");
    pill.textContent = online ? t.online : t.offline;
    pill.className = `pill ${online ? "online" : "offline"}`;
    $("offline-banner").hidden = online;
  }

  function showLogin(needed) { $("login-banner").hidden = !needed; }

  function renderPending() {
    const button = $("pending");
    button.hidden = state.queue.length === 0;
    button.textContent = t.pending.replace("%(count)s", state.queue.length);
    button.dataset.count = String(state.queue.length);
  }

  async function renderReview() {
    const refused = (await fieldStore.all("review")).sort((a, b) => a.done_at.localeCompare(b.done_at));
    $("review").hidden = refused.length === 0;
    const when = new Intl.DateTimeFormat(language, { dateStyle: "short", timeStyle: "short", timeZone: "Europe/Paris" });
    $("review-list").replaceChildren(...refused.map((item) => el("li", { "data-testid": "review-item" },
      el("strong", { text: [t.actions[item.kind] || item.kind, item.label].filter(Boolean).join(" · ") }),
      el("span", { class: "muted", text: ` ${when.format(new Date(item.done_at))}` }),
      el("p", { class: "error-message", text: item.message }),
      Object.values(item.fields || {}).length ? el("ul", {}, Object.values(item.fields).map((m) => el("li", { text: m }))) : null,
      el("button", { type: "button", class: "bar-button quiet", text: t.dismiss,
        onclick: async () => { await fieldStore.remove("review", item.id); renderReview(); } }))));
  }

  window.fieldQueue.onChange((event) => {
    if (event.type === "login") showLogin(true);
    if (event.type === "offline") setOnline(false);
    if (event.type === "online") { setOnline(true); showLogin(false); }
    if (event.type === "sent" || event.type === "queued") refresh();
    if (event.type === "drained") loadDay();
  });

  $("back-to-day").addEventListener("click", () => closeSheet(false));
  $("pending").addEventListener("click", () => window.fieldQueue.replay());
  window.addEventListener("popstate", () => {
    const match = /\/interventions\/(\d+)/.exec(window.location.pathname);
    if (match) openSheet(Number(match[1]), true); else closeSheet(true);
  });
  window.addEventListener("online", () => { setOnline(true); loadDay(); });
  window.addEventListener("offline", () => setOnline(false));

  // ---- start ----------------------------------------------------------------------------
  (async () => {
    registerWorker();
    setDuty(localStorage.getItem("vigie-field-duty") !== "off");
    await loadDay();
    const match = /\/interventions\/(\d+)/.exec(window.location.pathname);
    if (match) await openSheet(Number(match[1]), true);
    window.fieldQueue.replay();
    setInterval(() => loadDay(), DAY_POLL_MS);
    root.dataset.ready = "true";
  })();
})();
