// Everything the agent does goes through this queue, online or not: the action gets its
// id (a UUID) when it is done, is kept in IndexedDB, and is sent in order until the
// server answers. The server applies an id once and answers the same for every replay,
// so a send interrupted after the server's commit is simply sent again.
//   applied  → out of the queue; its new version is given to the later actions on the
//              same intervention (they were based on the tablet's own earlier steps);
//   refused  → out of the queue, into "to review" with the reason (never dropped);
//   401      → the queue waits; the agent is asked to log in again, then it is replayed;
//   CSRF 400 → a fresh token is fetched, and the action sent again;
//   anything else (offline, server error) → the queue waits for the next attempt.
// Positions go the same way to their own endpoint, in batches.
(function () {
  "use strict";
  const root = document.getElementById("field-app");
  const config = root.dataset;
  const listeners = [];
  let csrf = document.querySelector('meta[name="csrf-token"]').content;
  let sessionUser = Number(config.userId);
  let running = null;
  const POSITIONS_PER_POST = 200;

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function notify(event) { listeners.forEach((listener) => listener(event)); }

  // Queue an action done now; ``file`` is a Blob (photo, signature) or null; ``label``
  // (the intervention's reference) is kept for the agent, not sent.
  async function enqueue({ kind, interventionId = null, version = null, data = {}, file = null, filename = null,
                           label = null }) {
    const action = {
      id: uuid(), kind, intervention_id: interventionId, version, data, done_at: new Date().toISOString(),
      user_id: sessionUser, file, filename, label,
    };
    await fieldStore.put("actions", action);
    notify({ type: "queued", action });
    replay();
    return action;
  }

  async function pending() {
    return (await fieldStore.all("actions")).sort((a, b) => a.seq - b.seq);
  }

  // The logged-in user and a fresh CSRF token; "login" on 401, null when unreachable.
  async function refreshSession() {
    let response;
    try {
      response = await fetch(config.sessionUrl, { headers: { Accept: "application/json" }, cache: "no-store" });
    } catch (error) {
      return null;
    }
    if (response.status === 401) return "login";
    if (!response.ok) return null;
    const body = await response.json();
    csrf = body.csrf_token;
    sessionUser = body.user_id;
    return body;
  }

  async function send(action) {
    const envelope = { id: action.id, kind: action.kind, intervention_id: action.intervention_id,
      version: action.version, done_at: action.done_at, data: action.data };
    const init = { method: "POST", headers: { Accept: "application/json", "X-CSRFToken": csrf } };
    if (action.file) {
      const form = new FormData();
      form.append("action", JSON.stringify(envelope));
      form.append("file", action.file, action.filename || "photo.jpg");
      init.body = form;
    } else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(envelope);
    }
    let response;
    try {
      response = await fetch(config.actionsUrl, init);
    } catch (error) {
      return { type: "retry" };
    }
    const body = await response.json().catch(() => null);
    if (response.status === 200 && body && body.status) return { type: "final", body };
    if (response.status === 401) return { type: "login" };
    if (response.status === 400 && body && body.error === "csrf") return { type: "csrf" };
    if ([403, 404, 413, 422].includes(response.status)) {
      // Refused before being recorded (a malformed action, a role taken away): to review too.
      return { type: "final", body: { id: action.id, status: "refused", message: (body && body.message) || String(response.status),
        fields: (body && body.fields) || {} } };
    }
    return { type: "retry" };
  }

  // The later queued actions on the same intervention take the version the server gave.
  async function rebase(after, interventionId, version) {
    for (const later of await pending()) {
      if (later.seq > after.seq && later.intervention_id === interventionId && later.version !== null) {
        later.version = version;
        await fieldStore.put("actions", later);
      }
    }
  }

  async function run() {
    const queue = await pending();
    const positions = await fieldStore.all("positions");
    if (!queue.length && !positions.length) return;
    const session = await refreshSession();
    if (session === "login") { notify({ type: "login" }); return; }
    if (!session) { notify({ type: "offline" }); return; }
    notify({ type: "online" });
    for (const { seq } of queue) {
      const action = await fieldStore.get("actions", seq); // as rebased by the actions sent before it
      if (!action || action.user_id !== session.user_id) continue; // another agent's work: kept for them
      notify({ type: "sending", action });
      let answer = await send(action);
      if (answer.type === "csrf" && await refreshSession()) answer = await send(action);
      if (answer.type === "login") { notify({ type: "login" }); return; }
      if (answer.type !== "final") { notify({ type: "offline" }); return; }
      const body = answer.body;
      if (body.status === "applied" && body.outcome && Number.isInteger(body.outcome.version)) {
        await rebase(action, action.intervention_id, body.outcome.version);
      }
      const review = body.status === "refused" ? {
        id: action.id, kind: action.kind, intervention_id: action.intervention_id, label: action.label,
        done_at: action.done_at, message: body.message, fields: body.fields || {}, refused_at: new Date().toISOString(),
      } : null;
      await fieldStore.finish(action, review);
      notify({ type: "sent", action, body });
    }
    await flushPositions();
    notify({ type: "drained" });
  }

  async function flushPositions() {
    let positions = (await fieldStore.all("positions")).sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
    while (positions.length) {
      const batch = positions.slice(0, POSITIONS_PER_POST);
      let response;
      try {
        response = await fetch(config.positionsUrl, { method: "POST", body: JSON.stringify({ positions: batch }),
          headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf } });
      } catch (error) {
        return;
      }
      if (response.status === 400) {
        // A fix the server cannot take (a GPS astray): only the ones it names are left out.
        const body = await response.json().catch(() => ({}));
        const wrong = new Set(Object.keys(body.fields || {}).map((k) => Number((/^positions\[(\d+)\]/.exec(k) || [])[1]))
          .filter((i) => Number.isInteger(i)));
        if (!wrong.size) return;
        await fieldStore.remove("positions", batch.filter((_, i) => wrong.has(i)).map((p) => p.id));
      } else if (response.ok || response.status === 403) {
        // 403: no active team, so no crew position to record.
        await fieldStore.remove("positions", batch.map((p) => p.id));
      } else {
        return;
      }
      positions = (await fieldStore.all("positions")).sort((a, b) => a.recorded_at.localeCompare(b.recorded_at));
    }
  }

  async function addPosition(coords) {
    await fieldStore.put("positions", { id: uuid(), longitude: coords.longitude, latitude: coords.latitude,
      accuracy_m: coords.accuracy == null ? null : Math.min(coords.accuracy, 10000), recorded_at: new Date().toISOString() });
    replay();
  }

  // One replay at a time, in this page and across the tablet's other tabs.
  let again = false;
  function replay() {
    if (running) { again = true; return running; }
    const work = navigator.locks ? navigator.locks.request("vigie-field-replay", run) : run();
    running = work.catch((error) => console.error(error)).finally(() => {
      running = null;
      if (again) { again = false; replay(); }
    });
    return running;
  }

  window.addEventListener("online", () => replay());
  setInterval(() => replay(), 20000);

  window.fieldQueue = {
    enqueue, pending, replay, addPosition, refreshSession,
    onChange: (listener) => listeners.push(listener),
    get csrf() { return csrf; },
  };
})();
