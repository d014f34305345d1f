// What the dashboard's parts share: the signed-in key and settings, API calls with their problems in plain words,
// elements and tables made safely (text, never HTML), and times in the city's zone.

export const session = { key: sessionStorage.getItem("apiKey"), settings: null };

/** An API error: its HTTP status, its problem's title and detail, and the fields at fault (errors). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `the service answered ${status}`);
    this.status = status;
    this.problem = problem;
    this.errors = problem?.errors ?? {};
  }
}

/** Calls the API with the key; JSON in and out unless the body is a Blob/File (sent as is, with its type). */
export async function api(path, { method = "GET", body, type } = {}) {
  const headers = { "X-Api-Key": session.key ?? "" };
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers["Content-Type"] = type ?? (body.type || "application/octet-stream");
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(path, { method, headers, body: payload });
  const text = await response.text();
  const json = text && (response.headers.get("content-type") ?? "").includes("json") ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json ?? { title: text || response.statusText });
  return json;
}

/** An element with properties (dataset and aria* included) and children (strings become text). */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === "dataset") Object.assign(e.dataset, v);
    else if (k.startsWith("aria")) e.setAttribute(`aria-${k.slice(4).toLowerCase()}`, v);
    else e[k] = v;
  }
  e.append(...children.filter(c => c !== null && c !== undefined));
  return e;
}

/** A table of text cells; a row may be given as { cells, onSelect } to be chosen by click or keyboard. */
export function table(headers, rows, { caption, empty = "Nothing yet.", className = "" } = {}) {
  if (!rows.length) return el("p", { className: "none" }, empty);
  const t = el("table", { className });
  if (caption) t.append(el("caption", {}, caption));
  t.append(el("thead", {}, el("tr", {}, ...headers.map(h => el("th", { scope: "col" }, h)))));
  t.append(el("tbody", {}, ...rows.map(r => {
    const cells = Array.isArray(r) ? r : r.cells;
    const tr = el("tr", {}, ...cells.map(c => el("td", {}, c ?? "")));
    if (r.onSelect) {
      tr.tabIndex = 0;
      tr.className = "selectable";
      tr.addEventListener("click", r.onSelect);
      tr.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); r.onSelect(); } });
    }
    return tr;
  })));
  return t;
}

/** A time of day in the city's zone (the day too when it is not today there). */
export function formatTime(iso) {
  if (!iso) return "—";
  const zone = session.settings?.timeZone;
  const at = new Date(iso);
  const day = d => d.toLocaleDateString("en-CA", { timeZone: zone });
  const options = { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (day(at) !== day(new Date())) Object.assign(options, { month: "short", day: "numeric" });
  return at.toLocaleString("en-GB", options);
}

/** A time of day in the city's zone, without the day (beside a time that has it). */
export function formatClock(iso) {
  return iso ? new Date(iso).toLocaleTimeString("en-GB", { timeZone: session.settings?.timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "—";
}
