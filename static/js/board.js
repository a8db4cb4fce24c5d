// The dispatchers' planning board: drag a card onto a team's day to plan it, onto another
// day to move it, back onto the backlog to unplan it; or use each card's "Plan…" dialog
// from the keyboard. The server decides what is allowed: a refusal shows its message on
// the card, and the board is always redrawn from the server's answer (loads included).
// Text comes translated from the page (#board-strings); the DOM is never built from strings.
(function () {
  "use strict";
  const root = document.getElementById("board");
  if (!root) return;
  const T = JSON.parse(document.getElementById("board-strings").textContent);
  const CSRF = document.querySelector('meta[name="csrf-token"]').content;
  const API = root.dataset.interventionsUrl;
  const MORNING = "08:00";  // the time a card planned from the backlog starts at
  const dialog = document.getElementById("plan-dialog");
  const planForm = document.getElementById("plan-form");
  const statusLine = document.getElementById("board-status");
  let dragged = null;
  let dialogCard = null;

  // ---- talking to the API -------------------------------------------------------------
  async function api(url, method, json) {
    try {
      const response = await fetch(url, {
        method, credentials: "same-origin", body: JSON.stringify(json),
        headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": CSRF },
      });
      return { ok: response.ok, body: await response.json().catch(() => ({})) };
    } catch (error) {
      return { ok: false, body: { message: T.networkError } };
    }
  }

  const shiftDay = (day, days) => {
    const moved = new Date(`${day}T00:00:00Z`);
    moved.setUTCDate(moved.getUTCDate() + days);
    return moved.toISOString().slice(0, 10);
  };
  const daysBetween = (from, to) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);

  // The request that puts ``card`` where ``target`` says: {teamId, day}, or "backlog".
  function requestFor(card, target) {
    const { id, version, place, day, time, end, teamId } = card.dataset;
    if (target === "backlog") {
      return place === "backlog" ? null : [`${API}/${id}/transitions`, "POST", { to: "new", version: Number(version) }];
    }
    if (place === "backlog") {
      return [`${API}/${id}/transitions`, "POST",
        { to: "planned", team_id: Number(target.teamId), planned_start: `${target.day}T${MORNING}`, version: Number(version) }];
    }
    if (target.day === day && target.teamId === teamId) return null;
    const body = { team_id: Number(target.teamId), planned_start: `${target.day}T${time}`, version: Number(version) };
    if (end) {  // the window moves with its start
      const [endDay, endTime] = end.split("T");
      body.planned_end = `${shiftDay(endDay, daysBetween(day, target.day))}T${endTime}`;
    }
    return [`${API}/${id}`, "PATCH", body];
  }

  async function move(card, target, zone) {
    const request = requestFor(card, target);
    if (!request) return { ok: true, body: {} };
    const origin = [card.parentNode, card.nextSibling];
    if (zone) zone.querySelector(".cell-cards, .backlog-cards").append(card);  // shown there while saving
    card.classList.add("saving");
    root.dataset.saving = "true";
    statusLine.textContent = T.saving;
    const answer = await api(...request);
    if (!answer.ok) origin[0].insertBefore(card, origin[1]);
    await refresh();
    delete root.dataset.saving;
    statusLine.textContent = "";
    if (!answer.ok) showRefusal(card.dataset.id, answer.body);
    return answer;
  }

  function refusalText(body) {
    return [T.notSaved, body.message || "", ...Object.values(body.fields || {})].join(" ").trim();
  }

  function showRefusal(id, body) {
    const shown = root.querySelector(`.board-card[data-id="${CSS.escape(id)}"]`);
    if (!shown) return;
    shown.classList.add("refused");
    shown.querySelector(".card-message").textContent = refusalText(body);
  }

  // Redraw the week and the backlog from the server (the page itself, as it is now).
  async function refresh() {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const id of ["board-week", "backlog"]) {
        const replacement = fresh.getElementById(id);
        if (replacement) document.getElementById(id).replaceChildren(...replacement.childNodes);
      }
    } catch (error) {
      statusLine.textContent = T.networkError;
    }
  }

  // ---- drag and drop ------------------------------------------------------------------
  const dropZone = (node) => node.closest && node.closest("[data-drop]");

  root.addEventListener("dragstart", (event) => {
    const card = event.target.closest && event.target.closest(".board-card");
    if (!card || card.draggable === false || root.dataset.saving) { event.preventDefault(); return; }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.reference);
    card.classList.add("dragging");
  });

  root.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    root.querySelectorAll(".drop-target").forEach((zone) => zone.classList.remove("drop-target"));
  });

  root.addEventListener("dragover", (event) => {
    const zone = dropZone(event.target);
    if (!zone || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    zone.classList.add("drop-target");
  });

  root.addEventListener("dragleave", (event) => {
    const zone = dropZone(event.target);
    if (zone && !zone.contains(event.relatedTarget)) zone.classList.remove("drop-target");
  });

  root.addEventListener("drop", (event) => {
    const zone = dropZone(event.target);
    if (!zone || !dragged) return;
    event.preventDefault();
    zone.classList.remove("drop-target");
    const card = dragged;
    const target = zone.dataset.drop === "backlog" ? "backlog" : { teamId: zone.dataset.teamId, day: zone.dataset.day };
    move(card, target, zone);
  });

  // ---- the keyboard way: each card's "Plan…" dialog -----------------------------------
  function clearDialogErrors() {
    planForm.querySelectorAll(".field-error, .form-error").forEach((slot) => { slot.textContent = ""; });
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest(".plan-button");
    if (!button) return;
    dialogCard = button.closest(".board-card");
    const { reference, teamId, day, place } = dialogCard.dataset;
    clearDialogErrors();
    document.getElementById("plan-title").textContent = reference;
    if (teamId) planForm.team_id.value = teamId;
    planForm.day.value = day || root.dataset.defaultDay;
    document.getElementById("plan-unplan").hidden = place === "backlog";
    dialog.showModal();
  });

  async function fromDialog(target) {
    clearDialogErrors();
    const card = dialogCard;
    const answer = await move(card, target, null);
    if (answer.ok) {
      dialog.close();
      const shown = root.querySelector(`.board-card[data-id="${CSS.escape(card.dataset.id)}"] .plan-button`);
      if (shown) shown.focus();
      return;
    }
    const unplaced = [];
    for (const [name, message] of Object.entries(answer.body.fields || {})) {
      const slot = planForm.querySelector(`.field-error[data-for="${CSS.escape(name)}"]`);
      if (slot) slot.textContent = message; else unplaced.push(message);
    }
    planForm.querySelector(".form-error").textContent = [T.notSaved, answer.body.message || "", ...unplaced].join(" ").trim();
    dialogCard = root.querySelector(`.board-card[data-id="${CSS.escape(card.dataset.id)}"]`) || card;
  }

  planForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!planForm.day.value) {
      planForm.querySelector('.field-error[data-for="planned_start"]').textContent = T.chooseDay;
      return;
    }
    if (!planForm.team_id.value) {
      planForm.querySelector('.field-error[data-for="team_id"]').textContent = T.chooseTeam;
      return;
    }
    fromDialog({ teamId: planForm.team_id.value, day: planForm.day.value });
  });
  document.getElementById("plan-unplan").addEventListener("click", () => fromDialog("backlog"));
  document.getElementById("plan-cancel").addEventListener("click", () => dialog.close());
})();
