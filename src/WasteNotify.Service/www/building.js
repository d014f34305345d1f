// The concierge's building page: the building's collection today, live from /hubs/building, with the page link's
// token (from the address bar) as the credential. Times come from the service; the countdown is recomputed here.
import { languageButtons, settings, showLanguage, token } from "./common.js";

const texts = {
  fr: {
    loading: "Chargement…",
    mapLabel: "Plan : l’immeuble et le camion qui approche",
    building: "Votre immeuble",
    truck: "Le camion",
    notToday: "Pas de collecte suivie aujourd’hui",
    notTodayDetail: "Aucune tournée suivie aujourd’hui ne passe par cet immeuble.",
    onItsWay: "Le camion est en route",
    approaching: "Le camion approche : sortez les bacs",
    collected: "Collecté : les bacs peuvent rentrer",
    skipped: "Le camion n’a pas collecté cet immeuble",
    cancelled: "La collecte d’aujourd’hui est annulée",
    about: (m) => m <= 1 ? "dans environ 1 min" : `dans environ ${m} min`,
    early: (m) => m <= 0 ? "il peut arriver d’un instant à l’autre" : `peut-être dès ${m} min`,
    collectedAt: (t) => `Passé à ${t}.`,
    predictor: (p) => `Prévision : ${p === "model" ? "modèle appris" : p === "physics" ? "distance et vitesse" : p}.`,
    offline: "Connexion perdue : nouvelle tentative…",
    refused: "Ce lien ne peut plus être utilisé : demandez-en un nouveau.",
    binsOut: "Les bacs sont sortis",
    binsIn: "Les bacs sont rentrés",
    binsSaid: (out, back) => [out && `Sortis à ${out}.`, back && `Rentrés à ${back}.`].filter(Boolean).join(" "),
    binsFailed: "Pas enregistré : réessayez.",
  },
  en: {
    loading: "Loading…",
    mapLabel: "Map: the building and the truck on its way",
    building: "Your building",
    truck: "The truck",
    notToday: "No collection tracked today",
    notTodayDetail: "No run tracked today serves this building.",
    onItsWay: "The truck is on its way",
    approaching: "The truck is near: put the bins out",
    collected: "Collected: the bins can come back in",
    skipped: "The truck did not collect this building",
    cancelled: "Today's collection is cancelled",
    about: (m) => m <= 1 ? "in about 1 min" : `in about ${m} min`,
    early: (m) => m <= 0 ? "it could arrive any moment" : `could be as soon as ${m} min`,
    collectedAt: (t) => `Came at ${t}.`,
    predictor: (p) => `Prediction: ${p === "model" ? "learned model" : p === "physics" ? "distance and speed" : p}.`,
    offline: "Connection lost: trying again…",
    refused: "This link can no longer be used: ask for a new one.",
    binsOut: "The bins are out",
    binsIn: "The bins are back in",
    binsSaid: (out, back) => [out && `Out at ${out}.`, back && `Back in at ${back}.`].filter(Boolean).join(" "),
    binsFailed: "Not saved: try again.",
  },
};

// Within this many minutes of the predicted arrival the page says "approaching".
const approachingMinutes = 15;
let address = "";
let place = null; // the building, [lat, lon]
let today = null;
let bins = null;
let binsFailed = false;
let connection = "";

const $ = (id) => document.getElementById(id);
const minutesUntil = (iso) => Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 60_000));
let timeZone; // the city's, from the service: times on the page are the city's wherever the phone is set
const clock = (iso) => new Date(iso).toLocaleTimeString(settings.language, { hour: "2-digit", minute: "2-digit", timeZone });

function state() {
  if (!today) return "notToday";
  if (today.status === "served") return "collected";
  if (today.status === "skipped" || today.status === "cancelled") return today.status;
  return today.eta && minutesUntil(today.eta) <= approachingMinutes ? "approaching" : "onItsWay";
}

function render() {
  const t = texts[settings.language];
  showLanguage();
  $("address").textContent = address || t.loading;
  const s = state();
  $("status").dataset.state = s;
  $("status").textContent = address ? t[s] : "";
  const upcoming = today?.status === "upcoming" && today.eta;
  const countdown = upcoming ? t.about(minutesUntil(today.eta)) : "";
  if ($("countdown").textContent !== countdown) $("countdown").textContent = countdown; // aria-live: only real changes are read out
  $("early").textContent = upcoming && today.early ? t.early(minutesUntil(today.early)) : "";
  $("detail").textContent = s === "notToday" ? (address ? t.notTodayDetail : "")
    : s === "collected" && today.arrivedAt ? t.collectedAt(clock(today.arrivedAt))
    : upcoming ? t.predictor(today.predictor) : "";
  $("connection").textContent = connection ? t[connection] : "";
  // The buttons go with a collection today; each is pressed once (the first time stands).
  $("bins").hidden = !today || today.status === "cancelled";
  $("bins-out").textContent = t.binsOut;
  $("bins-in").textContent = t.binsIn;
  $("bins-out").disabled = Boolean(bins?.binsOutAt);
  $("bins-in").disabled = Boolean(bins?.binsInAt);
  $("bins-said").textContent = binsFailed ? t.binsFailed
    : t.binsSaid(bins?.binsOutAt && clock(bins.binsOutAt), bins?.binsInAt && clock(bins.binsInAt));
  document.title = `${address || "WasteNotify"} · WasteNotify`;
  showTruck(t);
}

// The truck on a small map once it is near (the service gives its position only then): our own street layer, no tiles.
let map = null;
let truckMarker = null;
async function showTruck(t) {
  const box = $("near-map");
  const near = today?.status === "upcoming" && today.truckLatitude != null;
  box.hidden = !near;
  box.setAttribute("aria-label", t.mapLabel);
  if (!near) return;
  const truck = [today.truckLatitude, today.truckLongitude];
  if (!map) {
    map = L.map(box, { zoomControl: false, attributionControl: true, preferCanvas: true });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("&copy; OpenStreetMap contributors");
    L.circleMarker(place, { radius: 8, color: "#fff", weight: 2, fillColor: "#0b5d1e", fillOpacity: 1 }).addTo(map).bindTooltip(t.building);
    truckMarker = L.circleMarker(truck, { radius: 8, color: "#fff", weight: 2, fillColor: "#8a4b00", fillOpacity: 1 }).addTo(map).bindTooltip(t.truck);
    map.fitBounds([place, truck], { padding: [30, 30], maxZoom: 17 });
    const zoom = Math.max(10, Math.min(19, Math.round(map.getZoom())));
    const streets = await fetch(`/api/city/streets?zoom=${zoom}`, { headers: { Authorization: `Bearer ${token}` } });
    if (streets.ok) L.geoJSON(await streets.json(), { interactive: false, style: { color: "#9a9a9a", weight: 1.5 } }).addTo(map).bringToBack();
  }
  truckMarker.setLatLng(truck);
  box.dataset.truck = truck.join(",");
}

languageButtons(render);

for (const button of document.querySelectorAll("#bins button")) {
  button.addEventListener("click", async () => {
    const response = await fetch("/api/building-page/bins", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ state: button.dataset.state }),
    });
    binsFailed = !response.ok;
    if (response.ok) bins = await response.json();
    render();
  });
}

async function start() {
  render();
  const response = await fetch("/api/building-page", { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    connection = "refused";
    render();
    return;
  }

  const page = await response.json();
  address = page.address;
  place = [page.latitude, page.longitude];
  timeZone = page.timeZone;
  today = page.today;
  bins = page.bins;
  render();

  const hub = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/building", { accessTokenFactory: () => token })
    .withAutomaticReconnect()
    .build();
  hub.on("EtaUpdated", (eta) => {
    if (eta.runId !== today?.runId) bins = { runId: eta.runId, binsOutAt: null, binsInAt: null };
    today = eta;
    render();
  });
  hub.on("AlertDecided", () => {});
  hub.onreconnecting(() => { connection = "offline"; render(); });
  hub.onreconnected(() => { connection = ""; render(); });
  await hub.start();
  window.wastenotifyHub = hub; // for the browser tests: the page is live once this is set
}

setInterval(render, 15_000);
start();
