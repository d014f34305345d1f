// The operators' and pilots' dashboard: signed in with an API key (kept in this tab's session storage), it reads the
// public API and the fleet hub only. Live: the map (our own street layer, online tiles if configured), the trucks with
// their heading and trail, each run's path and buildings by state; the runs panel and the alerts feed. Then the alerts
// and SMS with filters, the pilot's figures with their charts and downloads, and management (operators and admins; a
// pilot's key never gets the forms).
import { api, el, formatClock, formatTime, session, table } from "./dashboard-common.js";
import { showManage } from "./manage.js";
import { showPilot } from "./pilot.js";

const sections = ["live", "messages", "pilot", "manage"];
const stateColours = { to_come: "#1f5fbf", alerted: "#b35900", served: "#0b7a2a", skipped: "#b00020", not_today: "#8c8c8c" };
const live = { map: null, streets: null, streetZoom: null, runs: new Map(), buildings: new Map(), routes: new Map(), focused: null, hub: null };

start();

async function start() {
  document.getElementById("sign-in-form").addEventListener("submit", signIn);
  document.getElementById("sign-out").addEventListener("click", () => { sessionStorage.removeItem("apiKey"); location.hash = ""; location.reload(); });
  window.addEventListener("hashchange", showSection);
  if (session.key) {
    await enter().catch(signedOut);
  } else {
    signedOut();
  }
}

function signedOut(error) {
  document.getElementById("sign-in").hidden = false;
  for (const id of sections) document.getElementById(id).hidden = true;
  document.getElementById("tabs").hidden = true;
  if (error) document.getElementById("api-key-error").textContent = error.status === 401
    ? "This key is not valid: unknown, mistyped or revoked." : error.message;
  document.getElementById("api-key").focus();
}

async function signIn(event) {
  event.preventDefault();
  const input = document.getElementById("api-key");
  const error = document.getElementById("api-key-error");
  error.textContent = "";
  input.removeAttribute("aria-invalid");
  if (!input.value.trim()) {
    error.textContent = "Enter your API key.";
    input.setAttribute("aria-invalid", "true");
    return;
  }

  session.key = input.value.trim();
  try {
    await enter();
  } catch (e) {
    session.key = null;
    input.setAttribute("aria-invalid", "true");
    signedOut(e);
  }
}

async function enter() {
  session.settings = await api("/api/dashboard");
  sessionStorage.setItem("apiKey", session.key);
  document.getElementById("sign-in").hidden = true;
  document.getElementById("tabs").hidden = false;
  document.getElementById("sign-out").hidden = false;
  document.getElementById("role").textContent = session.settings.role;
  document.body.dataset.role = session.settings.role;
  // A pilot reads: no management tab, and the section says so if its address is typed.
  document.getElementById("manage-tab").hidden = session.settings.role === "pilot";
  document.getElementById("message-filter").addEventListener("submit", e => { e.preventDefault(); showMessages(); });
  // The map's section shown before the map is made: Leaflet sizes it from its container.
  for (const id of sections) document.getElementById(id).hidden = id !== "live";
  try {
    await startLive();
  } catch (e) {
    document.getElementById("connection").textContent = `could not load the live view: ${e.message}`;
  }
  showSection();
}

function showSection() {
  const wanted = location.hash.slice(1) || "live";
  const name = sections.includes(wanted) ? wanted : "live";
  for (const id of sections) document.getElementById(id).hidden = id !== name;
  for (const a of document.querySelectorAll("[data-tab]")) a.setAttribute("aria-current", String(a.dataset.tab === name));
  if (name === "live") live.map?.invalidateSize();
  if (name === "messages") showMessages();
  if (name === "pilot") showPilot();
  if (name === "manage") showManage(session.settings.role);
}

// ---- the live map -------------------------------------------------------------------------------------------------

async function startLive() {
  const s = session.settings;
  const map = live.map = L.map("map", { preferCanvas: true, zoomSnap: 1 });
  map.attributionControl.setPrefix(false);
  if (s.tiles) {
    L.tileLayer(s.tiles.url, { attribution: s.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  // The street layer is the city's OpenStreetMap data (or the procedural city's): attributed either way.
  map.attributionControl.addAttribution(s.tiles ? "WasteNotify" : "Streets: &copy; OpenStreetMap contributors");
  const b = s.bounds;
  map.fitBounds([[b.south, b.west], [b.north, b.east]], { padding: [10, 10] });
  map.on("zoomend", drawStreets);
  await drawStreets();

  for (const f of s.facilities) {
    L.marker([f.latitude, f.longitude], { icon: placeIcon("facility", "U"), keyboard: false, title: "Unloading place" }).addTo(map)
      .bindTooltip("Unloading place");
  }

  const [trucks, tracking] = await Promise.all([api("/api/trucks?limit=1000"), api("/api/tracking?limit=1000")]);
  for (const t of trucks.items) {
    L.marker([t.depotLat, t.depotLon], { icon: placeIcon("depot", "D"), keyboard: false, title: `Depot of ${t.name}` }).addTo(map)
      .bindTooltip(`Depot of ${t.name}`);
  }

  await drawBuildings(tracking.items);
  for (const run of tracking.items) showRun(fromSnapshot(run));
  renderRuns();
  await loadFeed();
  await connectHub();
}

async function drawStreets() {
  const zoom = Math.max(10, Math.min(19, Math.round(live.map.getZoom())));
  if (zoom === live.streetZoom) return;
  live.streetZoom = zoom;
  const data = await api(`/api/city/streets?zoom=${zoom}`);
  if (zoom !== live.streetZoom) return;
  live.streets?.remove();
  live.streets = L.geoJSON(data, {
    interactive: false,
    style: f => ({ color: "#7a7a7a", weight: ["motorway", "trunk", "primary"].includes(f.properties.class) ? 3 : 1.5, opacity: .8 }),
  }).addTo(live.map);
  Object.assign(document.getElementById("map").dataset, { streets: String(data.features.length), zoom: String(zoom) });
}

function placeIcon(kind, text) {
  return L.divIcon({ className: `place ${kind}`, html: `<span aria-hidden="true">${text}</span>`, iconSize: [22, 22] });
}

/** Every building: those of today's runs by their state, the others grey ("not today"). */
async function drawBuildings(runs) {
  for (const run of runs) await routeOf(run.routeId);
  const all = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await api(`/api/buildings?limit=1000&offset=${offset}`);
    all.push(...page.items);
    if (!page.next) break;
  }
  for (const b of all) {
    const marker = L.circleMarker([b.lat, b.lon], { radius: 4, weight: 1, color: "#fff", fillOpacity: .95 }).addTo(live.map);
    marker.bindTooltip(() => `${b.address} — ${live.buildings.get(b.id).state.replace("_", " ")}`);
    live.buildings.set(b.id, { marker, state: "not_today", building: b });
  }
  for (const run of runs) paintRun(run);
  document.getElementById("map").dataset.buildings = String(all.length);
}

/** A run's buildings by what tracking says of them (a snapshot of /api/tracking or /api/runs/{id}/etas). */
function paintRun(snapshot) {
  for (const s of snapshot.upcoming) if (live.buildings.get(s.buildingId)?.state !== "alerted") paint(s.buildingId, "to_come");
  for (const d of snapshot.done) paint(d.buildingId, d.status === "served" ? "served" : "skipped");
}

function paint(buildingId, state) {
  const b = live.buildings.get(buildingId);
  if (!b) return;
  b.state = state;
  b.marker.setStyle({ fillColor: stateColours[state] });
}

async function routeOf(routeId) {
  if (!live.routes.has(routeId)) live.routes.set(routeId, await api(`/api/routes/${encodeURIComponent(routeId)}`));
  return live.routes.get(routeId);
}

// ---- runs: the map's trucks and the panel -------------------------------------------------------------------------

/** /api/tracking's run and the hub's RunUpdated in one shape. */
function fromSnapshot(s) {
  return {
    runId: s.runId, routeId: s.routeId, truckId: s.truckId, status: s.status, latitude: s.latitude, longitude: s.longitude,
    stopsDone: s.done.length, stopsToCome: s.upcoming.length, nextStop: s.upcoming[0] ?? null, anomalies: s.anomalies,
    delaySeconds: s.delaySeconds, predictor: s.predictor, modelVersion: s.modelVersion, lastFixAt: s.lastFixAt, etas: s.upcoming,
  };
}

function showRun(run) {
  let shown = live.runs.get(run.runId);
  if (!shown) {
    shown = { trail: [], etas: run.etas ?? null };
    live.runs.set(run.runId, shown);
    const route = live.routes.get(run.routeId);
    if (route) shown.path = L.polyline(route.path, { color: colourOf(run.runId), weight: 3, opacity: .55, interactive: false }).addTo(live.map);
  }
  Object.assign(shown, { ...run, etas: run.etas ?? shown.etas });
  if (run.latitude == null) return;
  const here = [run.latitude, run.longitude];
  const last = shown.trail[shown.trail.length - 1];
  if (!last || last[0] !== here[0] || last[1] !== here[1]) {
    if (last) shown.heading = bearing(last, here);
    shown.trail.push(here);
    if (shown.trail.length > 60) shown.trail.shift();
  }
  if (!shown.marker) {
    shown.marker = L.marker(here, { icon: truckIcon(run), title: `Truck ${run.truckId}`, keyboard: true }).addTo(live.map);
    shown.marker.on("click", () => focusRun(run.runId));
    shown.line = L.polyline(shown.trail, { color: colourOf(run.runId), weight: 4, dashArray: "2 6", interactive: false }).addTo(live.map);
  } else {
    shown.marker.setLatLng(here);
    shown.line.setLatLngs(shown.trail);
  }
  const element = shown.marker.getElement();
  if (element) {
    element.dataset.truck = run.truckId;
    element.dataset.run = String(run.runId);
    element.dataset.lat = String(run.latitude);
    element.dataset.lon = String(run.longitude);
    element.querySelector(".arrow").style.transform = `rotate(${shown.heading ?? 0}deg)`;
  }
}

function truckIcon(run) {
  return L.divIcon({
    className: "truck",
    html: `<span class="arrow" style="border-bottom-color:${colourOf(run.runId)}"></span><span class="label">${escape(run.truckId)}</span>`,
    iconSize: [18, 18],
  });
}

function bearing([lat1, lon1], [lat2, lon2]) {
  const r = Math.PI / 180;
  const y = Math.sin((lon2 - lon1) * r) * Math.cos(lat2 * r);
  const x = Math.cos(lat1 * r) * Math.sin(lat2 * r) - Math.sin(lat1 * r) * Math.cos(lat2 * r) * Math.cos((lon2 - lon1) * r);
  return (Math.atan2(y, x) / r + 360) % 360;
}

function colourOf(runId) {
  return `hsl(${(runId * 137) % 360} 70% 35%)`;
}

const anomalyNames = { gps_silent: "GPS silent", off_route: "off route", long_stop: "long stop", not_started: "not started" };

function renderRuns() {
  const list = document.getElementById("runs");
  const runs = [...live.runs.values()].sort((a, b) => a.runId - b.runId);
  document.getElementById("runs-count").textContent = `(${runs.length})`;
  // Each run's item is kept (and its button, which may have the keyboard's focus); only what it says is redrawn.
  for (const run of runs) {
    if (!run.item) {
      run.button = el("button", { type: "button", className: "run-head" });
      run.button.addEventListener("click", () => focusRun(run.runId));
      run.body = el("div", { className: "run-body" });
      run.item = el("li", { className: "run", dataset: { run: String(run.runId) } }, run.button, run.body);
    }
    const total = run.stopsDone + run.stopsToCome;
    const focused = live.focused === run.runId;
    run.item.dataset.status = run.status;
    run.item.classList.toggle("anomalous", run.anomalies.length > 0);
    run.item.classList.toggle("focused", focused);
    run.button.setAttribute("aria-expanded", String(focused));
    run.button.replaceChildren(el("strong", {}, `Truck ${run.truckId}`), ` · route ${run.routeId} · ${run.status}`);
    run.body.replaceChildren(
      el("div", { className: "progress" }, el("progress", { max: total || 1, value: run.stopsDone, ariaLabel: "stops served" }),
        ` ${run.stopsDone} / ${total} stops`),
      el("div", { className: "delay", dataset: { late: String((run.delaySeconds ?? 0) >= 300) } }, delayText(run.delaySeconds)),
      el("div", { className: "next" }, run.nextStop ? `Next: ${run.nextStop.buildingId} at ${formatTime(run.nextStop.eta)}` : "No stop to come"),
      ...(run.anomalies.length ? [el("div", { className: "badges" }, ...run.anomalies.map(a => el("span", { className: "badge" }, anomalyNames[a] ?? a)))] : []),
      ...(focused ? [etaTable(run)] : []));
  }
  if (runs.some((run, i) => list.children[i] !== run.item) || list.children.length !== runs.length) list.replaceChildren(...runs.map(r => r.item));

  const anomalies = document.getElementById("anomalies");
  const open = runs.flatMap(run => run.anomalies.map(a => ({ run, a })));
  const shown = open.map(({ run, a }) => `${run.runId}:${a}`).join(" ");
  if (anomalies.dataset.shown === shown) return;
  anomalies.dataset.shown = shown;
  anomalies.replaceChildren(...(open.length ? open.map(({ run, a }) => {
    const li = el("li", { dataset: { anomaly: a } }, el("button", { type: "button" }, `${anomalyNames[a] ?? a}: truck ${run.truckId} (run ${run.runId})`));
    li.firstChild.addEventListener("click", () => focusRun(run.runId));
    return li;
  }) : [el("li", { className: "none" }, "None open.")]));
}

function delayText(seconds) {
  if (seconds == null) return "Delay: —";
  const m = Math.round(seconds / 60);
  return m === 0 ? "On plan" : m > 0 ? `${m} min behind plan` : `${-m} min ahead of plan`;
}

function etaTable(run) {
  const etas = (run.etas ?? []).slice(0, 8);
  const predictor = run.predictor === "model" ? `model v${run.modelVersion}` : run.predictor;
  return table(["Stop", "Building", "ETA", "Early – late", "Predictor"],
    etas.map(e => [String(e.sequence), e.buildingId, formatTime(e.eta), `${formatClock(e.early)} – ${formatClock(e.late)}`, predictor]),
    { caption: `Next stops of run ${run.runId}`, className: "etas" });
}

async function focusRun(runId) {
  const previous = live.focused;
  live.focused = runId;
  const run = live.runs.get(runId);
  if (previous !== null && previous !== runId) await live.hub?.invoke("UnwatchRun", previous).catch(() => {});
  await live.hub?.invoke("WatchRun", runId).catch(() => {});
  const etas = await api(`/api/runs/${runId}/etas`).catch(() => null);
  if (etas) run.etas = etas.upcoming;
  if (run.path) live.map.fitBounds(run.path.getBounds(), { padding: [20, 20] });
  else if (run.latitude != null) live.map.setView([run.latitude, run.longitude], 16);
  renderRuns();
}

// ---- the alerts feed and the hub ----------------------------------------------------------------------------------

const alertNames = { approaching: "approaching", collected: "collected", delayed: "delayed", not_today: "not today" };

async function loadFeed() {
  const alerts = await api("/api/alerts?limit=30");
  document.getElementById("feed").replaceChildren(...alerts.items.map(feedItem));
  for (const a of alerts.items.filter(a => a.kind === "approaching")) {
    if (live.buildings.get(a.buildingId)?.state === "to_come") paint(a.buildingId, "alerted");
  }
}

function feedItem(a) {
  const minutesText = a.minutes != null ? ` · ~${a.minutes} min` : a.eta ? ` · ETA ${formatTime(a.eta)}` : "";
  return el("li", { dataset: { alert: String(a.id), kind: a.kind } },
    el("time", { dateTime: a.at }, formatTime(a.at)), " ", el("strong", {}, alertNames[a.kind] ?? a.kind), ` ${a.buildingId} (run ${a.runId})${minutesText}`);
}

async function connectHub() {
  const status = document.getElementById("connection");
  const hub = live.hub = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/fleet", { accessTokenFactory: () => session.key })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: c => Math.min(30_000, 1000 * 2 ** c.previousRetryCount) })
    .configureLogging(signalR.LogLevel.None)
    .build();
  hub.on("RunUpdated", async run => {
    if (!live.runs.has(run.runId)) {
      // A run tracking took up since the page loaded: its route and buildings first.
      await routeOf(run.routeId).catch(() => null);
      const snapshot = await api(`/api/runs/${run.runId}/etas`).catch(() => null);
      if (snapshot) paintRun(snapshot);
    }
    showRun({ ...run, etas: undefined });
    renderRuns();
  });
  hub.on("EtasUpdated", (runId, etas) => {
    const run = live.runs.get(runId);
    if (!run) return;
    run.etas = etas;
    for (const e of etas) if (live.buildings.get(e.buildingId)?.state === "not_today") paint(e.buildingId, "to_come");
    if (live.focused === runId) renderRuns();
  });
  hub.on("RunEvent", e => {
    const run = live.runs.get(e.runId);
    const route = run && live.routes.get(run.routeId);
    const building = route?.stops[e.sequence - 1];
    if (building && (e.kind === "served" || e.kind === "skipped")) paint(building, e.kind);
  });
  hub.on("AlertDecided", a => {
    const feed = document.getElementById("feed");
    feed.prepend(feedItem(a));
    while (feed.children.length > 50) feed.lastChild.remove();
    if (a.kind === "approaching" && live.buildings.get(a.buildingId)?.state === "to_come") paint(a.buildingId, "alerted");
  });
  hub.onreconnecting(() => { status.textContent = "reconnecting…"; });
  hub.onreconnected(async () => {
    status.textContent = "live";
    if (live.focused !== null) await hub.invoke("WatchRun", live.focused);
  });
  hub.onclose(() => { status.textContent = "offline: reload the page"; });
  await hub.start();
  status.textContent = "live";
  window.wastenotifyHub = hub;
}

// ---- alerts and SMS, filtered -------------------------------------------------------------------------------------

async function showMessages() {
  const form = document.getElementById("message-filter");
  const error = document.getElementById("filter-error");
  const query = new URLSearchParams();
  for (const name of ["runId", "buildingId"]) if (form.elements[name].value.trim()) query.set(name, form.elements[name].value.trim());
  const outboxQuery = new URLSearchParams(query);
  if (form.elements.status.value) outboxQuery.set("status", form.elements.status.value);
  error.textContent = "";
  try {
    const [alerts, outbox] = await Promise.all([api(`/api/alerts?limit=100&${query}`), api(`/api/outbox?limit=100&${outboxQuery}`)]);
    document.getElementById("alerts-list").replaceChildren(table(["Decided", "Kind", "Building", "Run", "ETA", "Channels"],
      alerts.items.map(a => [formatTime(a.at), alertNames[a.kind] ?? a.kind, a.buildingId, String(a.runId), a.eta ? formatTime(a.eta) : "—", a.channels.join(", ")]),
      { caption: `${alerts.total} alerts`, empty: "No alert matches." }));
    document.getElementById("outbox-list").replaceChildren(table(["Created", "To", "Kind", "Building", "Run", "Status", "Why", "Attempts"],
      outbox.items.map(o => [formatTime(o.createdAt), o.to ?? "(erased)", o.kind ?? "—", o.buildingId ?? "—", o.runId != null ? String(o.runId) : "—",
        o.status, o.reason ?? (o.errorCode ? `Twilio error ${o.errorCode}` : ""), String(o.attempts)]),
      { caption: `${outbox.total} SMS`, empty: "No SMS matches." }));
  } catch (e) {
    error.textContent = e.message;
  }
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}
