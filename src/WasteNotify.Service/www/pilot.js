// The pilot's figures (GET /api/pilot): each policy's time on the pavement and missed collections, drawn with
// chart.js, the alerts' quality, the SMS and their cost; the report and every collection with the key, and the open
// data's public addresses.
import { api, el, session, table } from "./dashboard-common.js";

const policyNames = { evening_before: "Evening before", fixed_window: "Fixed window", naive_eta: "Naive ETA", ours: "Ours" };
const charts = {};
let wired = false;

export async function showPilot() {
  const form = document.getElementById("pilot-filter");
  if (!wired) {
    wired = true;
    form.addEventListener("submit", e => { e.preventDefault(); showPilot(); });
    document.getElementById("pilot-report").addEventListener("click", () => download("/api/pilot/report", "pilot-report.html"));
    document.getElementById("pilot-csv").addEventListener("click", () => download("/api/pilot/collections.csv", "pilot-collections.csv"));
  }
  const error = document.getElementById("pilot-error");
  error.textContent = "";
  try {
    const view = await api(`/api/pilot?${query()}`);
    // The period the service took (its defaults when none was given), so the form and the downloads say it.
    form.elements.from.value = view.from;
    form.elements.to.value = view.to;
    render(view);
  } catch (e) {
    error.textContent = Object.values(e.errors ?? {}).flat().join(" ") || e.message;
  }
}

function query() {
  const form = document.getElementById("pilot-filter");
  const q = new URLSearchParams();
  for (const name of ["from", "to", "route"]) if (form.elements[name].value.trim()) q.set(name, form.elements[name].value.trim());
  return q;
}

function render(view) {
  const t = view.total;
  document.getElementById("pilot-summary").textContent = `${view.from} to ${view.to}${view.route ? `, route ${view.route}` : ""}: `
    + `${t.collections} collections (${t.skipped} passed without service); not counted: ${t.cancelled} cancelled, ${t.notReached} never reached.`;
  document.getElementById("pilot-policies").replaceChildren(table(["Policy", "Collections", "Median on the pavement", "90th percentile", "Missed"],
    t.policies.map(p => [policyNames[p.policy], String(p.collections), duration(p.medianPavementMinutes), duration(p.p90PavementMinutes),
      `${p.missed} (${percent(p.missedShare)})`]), { caption: "Time on the pavement and missed collections", empty: "No collection in this period." }));
  document.getElementById("pilot-alerts").replaceChildren(table(["On time", "Early", "Late", "No alert", "Duplicates", "Lead achieved (median)", "Bins out reported", "Bins in reported"],
    [[t.onTime, t.early, t.late, t.noAlert, t.duplicates, duration(t.medianLeadMinutes), t.outReported, t.inReported].map(String)]));
  const s = view.sms;
  document.getElementById("pilot-sms").replaceChildren(table(["Messages", "Sent", "Delivered", "Failed", "Suppressed", "Expired", "Logged", "Segments", "Cost", "Logged, had they been sent"],
    [[s.messages, s.sent, s.delivered, s.failed, s.suppressed, s.expired, s.logged, s.segments].map(String)
      .concat(`${s.cost.toFixed(2)} ${s.currency}`, `${s.loggedSegments} segments, ${s.loggedCost.toFixed(2)} ${s.currency}`)]));

  document.getElementById("pilot-accuracy").replaceChildren(table(["Predictor", "Ahead", "Predictions", "Mean absolute error", "90th percentile", "In band", "Truck before the early bound"],
    view.accuracy.map(a => [a.predictor, a.ahead, String(a.count), `${a.meanAbsoluteErrorMinutes.toFixed(1)} min`, `${a.p90AbsoluteErrorMinutes.toFixed(1)} min`,
      percent(a.inBandShare), percent(a.earlyViolationShare)]),
    { caption: "The ETAs logged for these runs against the actual arrivals", empty: "No ETA logged for these runs." }));

  const labels = t.policies.map(p => policyNames[p.policy]);
  const colours = t.policies.map(p => p.policy === "ours" ? "#0b5d1e" : "#767676");
  draw("chart-pavement", { type: "bar", data: { labels, datasets: [{ label: "hours", data: t.policies.map(p => hours(p.medianPavementMinutes)), backgroundColor: colours }] },
    options: bars() });
  draw("chart-missed", { type: "bar", data: { labels, datasets: [{ label: "%", data: t.policies.map(p => Math.round(p.missedShare * 1000) / 10), backgroundColor: colours }] },
    options: bars() });
  const of = (day, policy) => hours(day.policies.find(p => p.policy === policy).medianPavementMinutes);
  draw("chart-days", { type: "line", data: { labels: view.byDay.map(d => d.key), datasets: [
    { label: "Ours", data: view.byDay.map(d => of(d, "ours")), borderColor: "#0b5d1e", backgroundColor: "#0b5d1e" },
    { label: "Evening before", data: view.byDay.map(d => of(d, "evening_before")), borderColor: "#767676", backgroundColor: "#767676" }] },
    options: { animation: false, responsive: false, scales: { y: { beginAtZero: true } } } });

  const period = new URLSearchParams({ from: view.from, to: view.to, ...(view.route ? { route: view.route } : {}) });
  for (const [id, path] of [["open-collections-csv", "collections.csv"], ["open-collections-json", "collections"], ["open-streets-csv", "streets.csv"], ["open-streets-geojson", "streets.geojson"]]) {
    document.getElementById(id).href = `/api/open-data/${path}?${period}`;
  }
}

function bars() {
  return { animation: false, responsive: false, indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } };
}

function draw(id, config) {
  charts[id]?.destroy();
  charts[id] = new Chart(document.getElementById(id), config);
}

// The report and the collections with building ids need the key: fetched with it, then saved.
async function download(path, name) {
  const error = document.getElementById("pilot-error");
  error.textContent = "";
  const response = await fetch(`${path}?${query()}`, { headers: { "X-Api-Key": session.key ?? "" } });
  if (!response.ok) {
    error.textContent = `could not download ${name}: the service answered ${response.status}`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function hours(minutes) {
  return minutes == null ? null : Math.round(minutes / 6) / 10;
}

function duration(minutes) {
  if (minutes == null) return "—";
  if (minutes < 60) return `${Math.round(minutes * 10) / 10} min`;
  const whole = Math.round(minutes);
  return `${Math.floor(whole / 60)} h ${String(whole % 60).padStart(2, "0")} min`;
}

function percent(share) {
  return `${(Math.round(share * 1000) / 10).toFixed(1)} %`;
}
