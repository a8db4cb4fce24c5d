// The mission sheet, drawn from the day's data with the agent's queued actions laid over
// it (so that what the agent did offline shows at once, marked as waiting to be sent).
(function () {
  "use strict";

  const el = window.vigieEl;

  // The sheet as the agent's queued actions leave it (optimistic, marked ``pending``).
  function withPending(sheet, actions) {
    const view = structuredClone(sheet);
    view.pendingCount = 0;
    const statusAfter = { start: "in_progress", resume: "in_progress", hold: "on_hold", complete: "completed" };
    for (const action of actions) {
      if (action.intervention_id !== sheet.id) continue;
      view.pendingCount += 1;
      if (statusAfter[action.kind]) view.status = statusAfter[action.kind];
      if (action.kind === "complete") view.report = { ...view.report, ...action.data };
      if (action.kind === "hold") view.notes.push({ at: action.done_at, comment: action.data.comment, pending: true });
      if (action.kind === "checklist") {
        view.checklist = view.checklist.map((task, i) => ({ ...task, done: Boolean(action.data.checklist[i]) }));
      }
      if (action.kind === "note") view.notes.push({ at: action.done_at, comment: action.data.note, pending: true });
      if (action.kind === "photo" || action.kind === "signature") {
        view.attachments.push({ filename: action.filename, pending: true, kind: action.kind });
      }
    }
    return view;
  }

  // What the crew's step to ``target`` is called as an action.
  function stepKind(status, target) {
    if (target === "on_hold") return "hold";
    if (target === "completed") return "complete";
    if (target === "in_progress") return status === "on_hold" ? "resume" : "start";
    return null;
  }

  function formatter(language) {
    const full = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Paris" });
    const hour = new Intl.DateTimeFormat(language, { timeStyle: "short", timeZone: "Europe/Paris" });
    return { full: (iso) => (iso ? full.format(new Date(iso)) : "—"), hour: (iso) => (iso ? hour.format(new Date(iso)) : "") };
  }

  function render(container, sheet, context) {
    const { strings: t, language, crewSteps, handlers, attachmentsUrl } = context;
    const when = formatter(language);
    const label = (item) => item[`label_${language}`] || item.label_fr || item.label_en;
    container.replaceChildren();

    const steps = (crewSteps[sheet.status] || []).map((target) => stepKind(sheet.status, target)).filter(Boolean);
    const geo = `geo:${sheet.latitude},${sheet.longitude}?q=${sheet.latitude},${sheet.longitude}(${encodeURIComponent(sheet.reference)})`;
    const fallback = `https://www.openstreetmap.org/?mlat=${sheet.latitude}&mlon=${sheet.longitude}#map=18/${sheet.latitude}/${sheet.longitude}`;

    container.append(
      el("header", { class: "sheet-head" },
        el("div", {},
          el("h2", { "data-testid": "sheet-reference", text: sheet.reference }),
          el("p", { class: "sheet-sub" },
            el("span", { class: `badge status-${sheet.status}`, "data-testid": "sheet-status", text: t.statuses[sheet.status] || sheet.status }),
            el("span", { class: `badge priority-${sheet.priority}`, text: sheet.priority }),
            el("span", { text: t.kinds[sheet.kind] || sheet.kind }),
            sheet.problem ? el("span", { text: t.problems[sheet.problem] || sheet.problem }) : null,
            el("span", { text: sheet.commune_name || "" })),
          el("p", { class: "sheet-times" },
            el("span", { text: `${t.due} : ${when.full(sheet.due_at)}` }),
            sheet.planned_start ? el("span", { text: `${t.planned} : ${when.hour(sheet.planned_start)}${sheet.planned_end ? `–${when.hour(sheet.planned_end)}` : ""}` }) : null,
            sheet.estimated_minutes ? el("span", { text: `${t.estimate} : ${t.minutes.replace("%(count)s", sheet.estimated_minutes)}` }) : null),
          sheet.pendingCount ? el("p", { class: "pending-note", text: `${sheet.pendingCount} · ${t.waiting}` }) : null),
        el("div", { class: "navigate" },
          el("a", { class: "big-button", href: geo, "data-testid": "navigate", text: t.navigate }),
          el("a", { class: "small-link", href: fallback, target: "_blank", rel: "noopener", text: t.openMap }))),
      el("div", { class: "sheet-actions" },
        steps.map((kind) => el("button", { type: "button", class: `big-button step-${kind}`, "data-step": kind,
          onclick: () => handlers.step(kind), text: t.actions[kind] })),
        el("button", { type: "button", class: "big-button quiet", "data-testid": "take-photo", onclick: handlers.photo, text: t.takePhoto }),
        el("button", { type: "button", class: "big-button quiet", "data-testid": "sign", onclick: handlers.signature, text: t.sign }),
        el("button", { type: "button", class: "big-button quiet", "data-testid": "add-note", onclick: handlers.note, text: t.addNote })),
    );

    const section = (title, ...content) => el("section", { class: "sheet-section" }, el("h3", { text: title }), ...content);
    container.append(section(t.description, el("p", { class: "description", text: sheet.description || t.nothing })));

    container.append(section(t.checklist, sheet.checklist.length ? el("ul", { class: "checklist", "data-testid": "checklist" },
      sheet.checklist.map((task, index) => el("li", {}, el("label", { class: "check" },
        el("input", { type: "checkbox", checked: task.done, "data-index": index,
          onchange: (event) => handlers.checklist(index, event.target.checked) }),
        el("span", { text: label(task) }))))) : el("p", { class: "muted", text: t.nothing })));

    container.append(section(t.assets, sheet.assets.length ? sheet.assets.map((asset) => el("article", { class: "asset-card" },
      el("h4", {}, el("span", { text: label(asset) }), " ", el("strong", { text: asset.reference }), " ",
        el("span", { class: `badge asset-${asset.status}`, text: t.assetStatuses[asset.status] || asset.status })),
      el("dl", { class: "attributes" },
        asset.manufacturer ? [el("dt", { text: t.manufacturer }), el("dd", { text: asset.manufacturer })] : null,
        asset.model ? [el("dt", { text: t.model }), el("dd", { text: asset.model })] : null,
        asset.installed_on ? [el("dt", { text: t.installedOn }), el("dd", { text: asset.installed_on })] : null,
        asset.attributes.map((a) => [el("dt", { text: label(a) }), el("dd", { text: String(a.value) })])),
      asset.history.length ? el("details", { class: "history" }, el("summary", { text: t.history }),
        el("ul", {}, asset.history.map((h) => el("li", {},
          el("span", { class: "muted", text: when.full(h.recorded_at) }), " ",
          el("strong", { text: t.changes[h.change] || h.change }), h.reason ? ` — ${h.reason}` : "")))) : null))
      : el("p", { class: "muted", text: t.noAsset })));

    if (sheet.status === "completed" || sheet.report.action_taken) {
      const r = sheet.report;
      container.append(section(t.report, el("dl", { class: "attributes" },
        r.cause ? [el("dt", { text: t.cause }), el("dd", { text: r.cause })] : null,
        [el("dt", { text: t.actionTaken }), el("dd", { text: r.action_taken || "—" })],
        (r.parts_used || []).length ? [el("dt", { text: t.parts }),
          el("dd", { text: r.parts_used.map((p) => `${p.name} × ${p.quantity}`).join(", ") })] : null,
        [el("dt", { text: t.timeSpent }), el("dd", { text: r.time_spent_minutes ? t.minutes.replace("%(count)s", r.time_spent_minutes) : "—" })],
        [el("dt", { text: t.outcome }), el("dd", { text: t.outcomes[r.outcome] || "—" })])));
    }

    container.append(section(t.notes, sheet.notes.length ? el("ul", { class: "notes" }, sheet.notes.map((note) =>
      el("li", { class: note.pending ? "pending" : null },
        el("span", { class: "muted", text: `${when.full(note.at)}${note.actor_name ? ` · ${note.actor_name}` : ""}${note.pending ? ` · ${t.waiting}` : ""}` }),
        el("p", { text: note.comment })))) : el("p", { class: "muted", text: t.nothing })));

    container.append(section(t.attachments, sheet.attachments.length ? el("ul", { class: "attachments", "data-testid": "attachments" },
      sheet.attachments.map((file) => el("li", { class: file.pending ? "pending" : null },
        !file.pending && file.content_type && file.content_type.startsWith("image/")
          ? el("img", { src: `${attachmentsUrl}/${sheet.id}/attachments/${file.id}`, alt: file.filename, loading: "lazy" }) : null,
        el("span", { text: file.pending ? `${file.filename} · ${t.waiting}` : file.filename }))))
      : el("p", { class: "muted", text: t.nothing })));
  }

  window.fieldSheet = { render, withPending, stepKind, el };
})();
