// Management, for operators and admins: buildings, trucks, routes, concierges and their subscriptions as searchable,
// paged lists with forms; imports with their errors shown in place; ingest rejections by reason. A pilot's key is
// shown none of it (and the API refuses it anyway).
import { api, el, formatTime, table } from "./dashboard-common.js";

const pageSize = 25;
const views = {
  buildings: { label: "Buildings", show: showBuildings },
  trucks: { label: "Trucks", show: showTrucks },
  routes: { label: "Routes", show: showRoutes },
  concierges: { label: "Concierges", show: showConcierges },
  imports: { label: "Imports", show: showImports },
  rejections: { label: "Ingest rejections", show: showRejections },
};
let current = "buildings";
let role = null;

export function showManage(keyRole) {
  role = keyRole;
  const refused = document.getElementById("manage-refused");
  const tabs = document.getElementById("manage-tabs");
  const body = document.getElementById("manage-body");
  if (role === "pilot") {
    refused.hidden = false;
    tabs.replaceChildren();
    body.replaceChildren();
    return;
  }
  refused.hidden = true;
  tabs.replaceChildren(...Object.entries(views).map(([name, v]) => {
    const b = el("button", { type: "button", ariaPressed: String(name === current), dataset: { view: name } }, v.label);
    b.addEventListener("click", () => { current = name; showManage(role); });
    return b;
  }));
  body.replaceChildren();
  views[current].show(body);
}

// ---- shared: a searchable paged list, and a form showing the API's errors beside their fields ---------------------

/** A list with a search box and pages; rows(items) gives the table rows. */
function pagedList(container, { title, path, searchLabel, headers, rows }) {
  const state = { offset: 0, q: "" };
  const search = el("input", { type: "search", name: "q", ariaLabel: searchLabel });
  const results = el("div", { className: "results", ariaLive: "polite" });
  const pager = el("div", { className: "pager" });
  const form = el("form", { className: "search", role: "search" }, el("label", {}, `${searchLabel} `, search), el("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", e => { e.preventDefault(); state.offset = 0; state.q = search.value.trim(); load(); });
  container.append(el("h2", {}, title), form, results, pager);

  async function load() {
    const query = new URLSearchParams({ offset: String(state.offset), limit: String(pageSize) });
    if (state.q) query.set("q", state.q);
    try {
      const page = await api(`${path}?${query}`);
      results.replaceChildren(table(headers, rows(page.items), { empty: state.q ? `Nothing holds “${state.q}”.` : "None yet." }));
      const prev = el("button", { type: "button", disabled: state.offset === 0 }, "Previous");
      const next = el("button", { type: "button", disabled: !page.next }, "Next");
      prev.addEventListener("click", () => { state.offset = Math.max(0, state.offset - pageSize); load(); });
      next.addEventListener("click", () => { state.offset += pageSize; load(); });
      const shown = page.items.length ? `${page.offset + 1}–${page.offset + page.items.length} of ${page.total}` : `0 of ${page.total}`;
      pager.replaceChildren(prev, el("span", {}, ` ${shown} `), next);
    } catch (e) {
      results.replaceChildren(el("p", { className: "summary" }, e.message));
    }
  }

  load();
  return { reload: load };
}

/**
 * A form of fields ({ name, label, type, hint, options, readOnly }), filled with values; on submit, send(values) is
 * awaited and the API's errors are shown beside the fields they name (the others above the form).
 */
function editForm(container, { title, fields, values = {}, submit, send, extra = [] }) {
  const summary = el("div", { className: "summary", role: "alert", hidden: true });
  const done = el("p", { className: "done", role: "status" });
  const form = el("form", { className: "edit", noValidate: true });
  const errorOf = {};
  for (const f of fields) {
    const id = `f-${title.replace(/\W+/g, "-")}-${f.name}`.toLowerCase();
    const error = el("span", { className: "error", id: `${id}-error` });
    errorOf[f.name] = error;
    let input;
    if (f.type === "select") {
      input = el("select", { id, name: f.name }, ...f.options.map(o => el("option", { value: o, selected: values[f.name] === o }, o)));
    } else if (f.type === "checks") {
      input = el("fieldset", { className: "checks", id }, el("legend", {}, f.label),
        ...f.options.map(o => el("label", {}, el("input", { type: "checkbox", name: f.name, value: o, checked: (values[f.name] ?? f.default ?? []).includes(o) }), ` ${o}`)));
    } else {
      input = el("input", { id, name: f.name, type: f.type ?? "text", value: values[f.name] ?? "", readOnly: !!f.readOnly, step: f.type === "number" ? "any" : undefined });
    }
    input.setAttribute("aria-describedby", `${id}-error`);
    form.append(el("div", { className: "field" }, f.type === "checks" ? null : el("label", { htmlFor: id }, f.label),
      f.hint ? el("span", { className: "hint" }, f.hint) : null, input, error));
  }
  form.append(el("button", { className: "primary", type: "submit" }, submit), ...extra);
  form.addEventListener("submit", async e => {
    e.preventDefault();
    summary.hidden = true;
    done.textContent = "";
    for (const [name, error] of Object.entries(errorOf)) { error.textContent = ""; form.elements[name]?.removeAttribute?.("aria-invalid"); }
    const read = {};
    for (const f of fields) {
      if (f.type === "checks") read[f.name] = [...form.querySelectorAll(`input[name="${f.name}"]:checked`)].map(i => i.value);
      else { const v = form.elements[f.name].value.trim(); read[f.name] = v === "" ? null : f.type === "number" ? Number(v) : v; }
    }
    try {
      done.textContent = await send(read) ?? "Saved.";
    } catch (error) {
      showErrors(error, errorOf, form, summary);
    }
  });
  container.append(el("h2", {}, title), summary, form, done);
  return form;
}

/** The problem's field errors beside their fields; what names no field (and the detail) in the summary. */
function showErrors(error, errorOf, form, summary) {
  const loose = [];
  for (const [key, messages] of Object.entries(error.errors ?? {})) {
    const name = Object.keys(errorOf).find(n => n.toLowerCase() === key.toLowerCase() || key.toLowerCase().startsWith(`${n.toLowerCase()}.`));
    if (name) {
      errorOf[name].textContent = messages.join(" ");
      form.elements[name]?.setAttribute?.("aria-invalid", "true");
    } else {
      loose.push(`${key}: ${messages.join(" ")}`);
    }
  }
  const title = error.problem?.title ?? "Not saved";
  summary.replaceChildren(el("strong", {}, title), el("p", {}, error.message), ...(loose.length ? [el("ul", {}, ...loose.map(l => el("li", {}, l)))] : []));
  summary.hidden = false;
}

function panes(container) {
  const list = el("div", { className: "pane list" });
  const detail = el("div", { className: "pane detail" });
  container.append(el("div", { className: "panes" }, list, detail));
  return { list, detail };
}

function deleteButton(label, path, after) {
  const b = el("button", { type: "button", className: "danger" }, label);
  b.addEventListener("click", async () => {
    if (!confirm(`${label}?`)) return;
    try {
      await api(path, { method: "DELETE" });
      after("Deleted.");
    } catch (e) {
      after(e.message);
    }
  });
  return b;
}

// ---- buildings, trucks ---------------------------------------------------------------------------------------------

function showBuildings(container) {
  const { list, detail } = panes(container);
  const buildings = pagedList(list, {
    title: "Buildings", path: "/api/buildings", searchLabel: "Id or address",
    headers: ["Id", "Address", "Bins"],
    rows: items => items.map(b => ({ cells: [b.id, b.address, String(b.bins)], onSelect: () => edit(b) })),
  });
  const newButton = el("button", { type: "button" }, "New building");
  newButton.addEventListener("click", () => edit(null));
  list.prepend(newButton);
  edit(null);

  function edit(b) {
    detail.replaceChildren();
    const links = el("button", { type: "button", hidden: !b }, "Sign-up and page links");
    const shownLinks = el("div", { className: "links" });
    links.addEventListener("click", async () => {
      const made = await api(`/api/buildings/${encodeURIComponent(b.id)}/links`, { method: "POST" });
      shownLinks.replaceChildren(el("p", {}, "Sign-up: ", el("a", { href: made.signupUrl }, made.signupUrl)), el("p", {}, "Live page: ", el("a", { href: made.pageUrl }, made.pageUrl)));
    });
    const extra = b ? [links, deleteButton("Delete the building", `/api/buildings/${encodeURIComponent(b.id)}`, m => { detail.append(el("p", { role: "status" }, m)); buildings.reload(); })] : [];
    editForm(detail, {
      title: b ? `Building ${b.id}` : "New building",
      fields: [
        { name: "id", label: "Id", readOnly: !!b },
        { name: "address", label: "Address" },
        { name: "lat", label: "Latitude", type: "number", hint: "WGS 84 degrees; snapped to the nearest street" },
        { name: "lon", label: "Longitude", type: "number" },
        { name: "bins", label: "Bins", type: "number" },
        { name: "accessNotes", label: "Access notes" },
      ],
      values: b ?? { bins: 1 },
      submit: b ? "Save" : "Create",
      extra,
      send: async v => {
        if (!v.id) throw { errors: { id: ["is required"] }, message: "Give the building an id.", problem: { title: "Not saved" } };
        const saved = await api(`/api/buildings/${encodeURIComponent(v.id)}`, { method: "PUT", body: { address: v.address, lat: v.lat, lon: v.lon, bins: v.bins, accessNotes: v.accessNotes } });
        buildings.reload();
        return `Saved ${saved.id}.`;
      },
    });
    detail.append(shownLinks);
  }
}

function showTrucks(container) {
  const { list, detail } = panes(container);
  const trucks = pagedList(list, {
    title: "Trucks", path: "/api/trucks", searchLabel: "Id or name",
    headers: ["Id", "Name", "OwnTracks device"],
    rows: items => items.map(t => ({ cells: [t.id, t.name, t.ownTracksDevice ?? "—"], onSelect: () => edit(t) })),
  });
  const newButton = el("button", { type: "button" }, "New truck");
  newButton.addEventListener("click", () => edit(null));
  list.prepend(newButton);
  edit(null);

  function edit(t) {
    detail.replaceChildren();
    editForm(detail, {
      title: t ? `Truck ${t.id}` : "New truck",
      fields: [
        { name: "id", label: "Id (as its tracker publishes it)", readOnly: !!t },
        { name: "name", label: "Name" },
        { name: "ownTracksDevice", label: "OwnTracks device (user/device)" },
        { name: "depotLat", label: "Depot latitude", type: "number" },
        { name: "depotLon", label: "Depot longitude", type: "number" },
      ],
      values: t ?? {},
      submit: t ? "Save" : "Create",
      extra: t ? [deleteButton("Delete the truck", `/api/trucks/${encodeURIComponent(t.id)}`, m => { detail.append(el("p", { role: "status" }, m)); trucks.reload(); })] : [],
      send: async v => {
        if (!v.id) throw { errors: { id: ["is required"] }, message: "Give the truck an id.", problem: { title: "Not saved" } };
        await api(`/api/trucks/${encodeURIComponent(v.id)}`, { method: "PUT", body: { name: v.name, ownTracksDevice: v.ownTracksDevice, depotLat: v.depotLat, depotLon: v.depotLon } });
        trucks.reload();
        return `Saved ${v.id}.`;
      },
    });
  }
}

// ---- routes: the list, and a route's stops in order on a map ------------------------------------------------------

function showRoutes(container) {
  const { list, detail } = panes(container);
  const routes = pagedList(list, {
    title: "Routes", path: "/api/routes", searchLabel: "Id or truck",
    headers: ["Id", "Truck", "Stops", "Days", "Start"],
    rows: items => items.map(r => ({ cells: [r.id, r.truckId ?? "—", String(r.stops.length), r.weekdays.join(" "), r.plannedStart ?? "—"], onSelect: () => show(r) })),
  });

  async function show(r) {
    detail.replaceChildren(el("h2", {}, `Route ${r.id}`));
    const map = el("div", { className: "route-map", role: "region", ariaLabel: `Route ${r.id}: its path and stops in order` });
    const stops = el("ol", { className: "stops" });
    detail.append(map, stops, deleteButton("Delete the route", `/api/routes/${encodeURIComponent(r.id)}`, m => { detail.append(el("p", { role: "status" }, m)); routes.reload(); }));
    const leaflet = L.map(map, { preferCanvas: true });
    leaflet.attributionControl.setPrefix(false);
    leaflet.attributionControl.addAttribution("Streets: &copy; OpenStreetMap contributors");
    const path = L.polyline(r.path, { color: "#1f5fbf", weight: 3 }).addTo(leaflet);
    leaflet.fitBounds(path.getBounds(), { padding: [10, 10] });
    const streets = await api(`/api/city/streets?zoom=${Math.max(10, Math.min(19, leaflet.getZoom()))}`);
    L.geoJSON(streets, { interactive: false, style: { color: "#9a9a9a", weight: 1 } }).addTo(leaflet).bringToBack();
    // The stops' buildings, in the route's order.
    for (const [i, id] of r.stops.entries()) {
      const b = await api(`/api/buildings/${encodeURIComponent(id)}`).catch(() => null);
      stops.append(el("li", { dataset: { building: id } }, b ? `${id} — ${b.address}` : `${id} (unknown building)`));
      if (b) {
        L.marker([b.lat, b.lon], { icon: L.divIcon({ className: "stop-number", html: String(i + 1), iconSize: [20, 20] }), title: `${i + 1}. ${b.address}` }).addTo(leaflet);
      }
    }
  }
}

// ---- concierges and their subscriptions ---------------------------------------------------------------------------

const alertKinds = ["approaching", "collected", "delayed", "not_today"];

function showConcierges(container) {
  const { list, detail } = panes(container);
  const concierges = pagedList(list, {
    title: "Concierges", path: "/api/concierges", searchLabel: "Name or number",
    headers: ["Name", "Phone", "Language", "Buildings", "Opted out"],
    rows: items => items.map(c => ({ cells: [c.name, c.phone, c.language, c.subscriptions.map(s => s.buildingId).join(", ") || "—", c.optedOut ? "yes (STOP)" : "no"], onSelect: () => edit(c) })),
  });
  const newButton = el("button", { type: "button" }, "New concierge");
  newButton.addEventListener("click", () => edit(null));
  list.prepend(newButton);
  edit(null);

  function edit(c) {
    detail.replaceChildren();
    editForm(detail, {
      title: c ? `Concierge ${c.name}` : "New concierge",
      fields: [
        { name: "name", label: "Name" },
        { name: "phone", label: "Mobile number", type: "tel", hint: "International (+33…) or the default region's own form" },
        { name: "language", label: "Language", type: "select", options: ["fr", "en"] },
        ...(c ? [] : [{ name: "consent", label: "How they agreed to receive alerts", hint: "Kept in the consent log, e.g. “paper form signed 2026-12-01”" }]),
      ],
      values: c ?? { language: "fr" },
      submit: c ? "Save" : "Create",
      extra: c ? [deleteButton("Erase the concierge (GDPR)", `/api/concierges/${c.id}`, m => { detail.append(el("p", { role: "status" }, m)); concierges.reload(); })] : [],
      send: async v => {
        const saved = c
          ? await api(`/api/concierges/${c.id}`, { method: "PATCH", body: { name: v.name, phone: v.phone, language: v.language } })
          : await api("/api/concierges", { method: "POST", body: { name: v.name, phone: v.phone, language: v.language, consent: v.consent ? { source: v.consent } : null } });
        concierges.reload();
        if (!c) edit(saved);
        return `Saved ${saved.name}.`;
      },
    });
    if (c) subscriptions(detail, c, concierges);
  }
}

function subscriptions(container, c, concierges) {
  container.append(el("h3", {}, "Subscriptions"), table(["Building", "Lead", "Alerts", "Channels", "Quiet hours"],
    c.subscriptions.map(s => [s.buildingId, `${s.leadMinutes} min`, s.alerts.join(", "), s.channels.join(", "), s.quietHours ? `${s.quietHours.from}–${s.quietHours.to}` : "—"]),
    { empty: "No subscription yet." }));
  editForm(container, {
    title: "Subscribe to a building",
    fields: [
      { name: "buildingId", label: "Building id" },
      { name: "leadMinutes", label: "Lead time (minutes)", type: "number" },
      { name: "alerts", label: "Alerts", type: "checks", options: alertKinds, default: alertKinds },
      { name: "channels", label: "Channels", type: "checks", options: ["sms", "web"], default: ["sms"] },
      { name: "quietFrom", label: "Quiet from", type: "time" },
      { name: "quietTo", label: "Quiet until", type: "time" },
    ],
    values: { leadMinutes: 10 },
    submit: "Save the subscription",
    send: async v => {
      if (!v.buildingId) throw { errors: { buildingId: ["is required"] }, message: "Name the building.", problem: { title: "Not saved" } };
      await api(`/api/concierges/${c.id}/subscriptions/${encodeURIComponent(v.buildingId)}`, {
        method: "PUT",
        body: { leadMinutes: v.leadMinutes, alerts: v.alerts, channels: v.channels, quietHours: v.quietFrom || v.quietTo ? { from: v.quietFrom, to: v.quietTo } : null },
      });
      concierges.reload();
      return `Subscribed to ${v.buildingId}.`;
    },
  });
}

// ---- imports and rejections ----------------------------------------------------------------------------------------

function showImports(container) {
  const kinds = [
    { title: "Buildings (CSV)", path: "/api/buildings/import", accept: ".csv,text/csv", type: "text/csv", hint: "Columns id,address,lat,lon,bins,access_notes" },
    { title: "Routes (GeoJSON)", path: "/api/routes/import", accept: ".geojson,.json", type: "application/geo+json", hint: "As GET /api/routes/export writes it" },
    ...(role === "admin" ? [{ title: "City streets (OpenStreetMap .osm or .osm.pbf)", path: "/api/city/import", accept: ".osm,.pbf", type: null, hint: "Replaces the street network" }] : []),
  ];
  container.append(el("h2", {}, "Imports"));
  if (role !== "admin") container.append(el("p", { className: "hint" }, "Importing a city's streets needs an admin's key."));
  for (const k of kinds) {
    const file = el("input", { type: "file", accept: k.accept, name: "file" });
    const result = el("div", { className: "import-result", ariaLive: "polite" });
    const form = el("form", { className: "import" }, el("h3", {}, k.title), el("span", { className: "hint" }, k.hint), el("label", {}, "File ", file),
      el("button", { type: "submit", className: "primary" }, "Import"), result);
    form.addEventListener("submit", async e => {
      e.preventDefault();
      const chosen = file.files[0];
      if (!chosen) { result.replaceChildren(el("p", { className: "error" }, "Choose a file first.")); return; }
      const type = k.type ?? (chosen.name.endsWith(".pbf") ? "application/octet-stream" : "application/xml");
      result.replaceChildren(el("p", {}, "Importing…"));
      try {
        const done = await api(k.path, { method: "POST", body: chosen, type });
        result.replaceChildren(el("p", { className: "done" }, "Imported: ",
          Object.entries(done ?? {}).filter(([, v]) => typeof v !== "object").map(([key, v]) => `${key} ${v}`).join(", ")));
      } catch (error) {
        result.replaceChildren(el("div", { className: "summary", role: "alert" }, el("strong", {}, error.problem?.title ?? "Refused"), el("p", {}, error.message),
          el("ul", {}, ...Object.entries(error.errors).map(([field, messages]) => el("li", {}, `${field}: ${messages.join(" ")}`)))));
      }
    });
    container.append(form);
  }
}

async function showRejections(container) {
  container.append(el("h2", {}, "Ingest rejections"), el("p", { className: "hint" }, "The latest messages refused, kept in memory, by reason; with what they held."));
  try {
    const page = await api("/api/ingest/rejections?limit=1000");
    const byReason = new Map();
    for (const r of page.items) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r]);
    if (!byReason.size) { container.append(el("p", { className: "none" }, "No message refused.")); return; }
    for (const [reason, items] of byReason) {
      container.append(el("h3", {}, `${reason} (${items.length})`), table(["Received", "Topic", "Why", "Payload"],
        items.slice(0, 20).map(r => [formatTime(r.receivedAt), r.topic, r.detail, r.payload.length > 160 ? `${r.payload.slice(0, 160)}…` : r.payload])));
    }
  } catch (e) {
    container.append(el("p", { className: "summary" }, e.message));
  }
}
