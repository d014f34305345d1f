// The concierge's sign-up page, opened by the building's signed sign-up link: a subscription to that building's
// alerts, through POST /api/signup/{token}. Every error the service reports is shown next to its field, in words.
import { languageButtons, settings, showLanguage, token } from "./common.js";

const texts = {
  fr: {
    title: "Recevoir les alertes de collecte",
    building: (a) => `Pour l’immeuble : ${a}`,
    name: "Votre nom",
    phone: "Numéro de téléphone mobile",
    phoneHint: "Par exemple 06 12 34 56 78 ou +33 6 12 34 56 78",
    language: "Langue des messages",
    lead: "Prévenir combien de minutes avant le passage du camion",
    alerts: "Quels messages recevoir",
    approaching: "Le camion arrive bientôt",
    collected: "C’est collecté : les bacs peuvent rentrer",
    delayed: "Le camion a du retard",
    not_today: "Pas de collecte aujourd’hui",
    quiet: "Heures de silence (facultatif) : pas de SMS entre",
    quietFrom: "de",
    quietTo: "à",
    consent: "J’accepte de recevoir ces alertes par SMS pour cet immeuble. Mon numéro ne sert qu’à cela ; je peux arrêter à tout moment.",
    submit: "M’inscrire",
    done: "Inscription enregistrée : vous recevrez les alertes de cet immeuble.",
    doneOptedOut: "Inscription enregistrée, mais ce numéro a répondu STOP : envoyez START au numéro d’envoi pour recevoir les SMS.",
    pageLink: "Voir la page de l’immeuble",
    stop: "Pour ne plus rien recevoir, répondez STOP à n’importe quel SMS.",
    summary: "Le formulaire n’a pas été envoyé : corrigez ce qui est indiqué.",
    errors: {
      name: "Indiquez votre nom.",
      phone: "Ce numéro de mobile n’est pas valable.",
      leadMinutes: "Choisissez entre 1 et 120 minutes.",
      alerts: "Choisissez au moins un message.",
      quietHours: "Les heures de silence doivent avoir un début et une fin différents.",
      consent: "Cochez la case pour accepter de recevoir les SMS.",
    },
    refused: "Ce lien d’inscription ne peut plus être utilisé : demandez-en un nouveau.",
    failed: "L’inscription n’a pas pu être envoyée : réessayez dans un instant.",
  },
  en: {
    title: "Get the collection alerts",
    building: (a) => `For the building: ${a}`,
    name: "Your name",
    phone: "Mobile phone number",
    phoneHint: "For example 06 12 34 56 78 or +33 6 12 34 56 78",
    language: "Language of the messages",
    lead: "Warn me this many minutes before the truck comes",
    alerts: "Which messages to get",
    approaching: "The truck is coming soon",
    collected: "Collected: the bins can come back in",
    delayed: "The truck is late",
    not_today: "No collection today",
    quiet: "Quiet hours (optional): no SMS between",
    quietFrom: "from",
    quietTo: "to",
    consent: "I agree to receive these alerts by SMS for this building. My number is used for nothing else; I can stop at any time.",
    submit: "Sign me up",
    done: "You are signed up: you will get this building's alerts.",
    doneOptedOut: "You are signed up, but this number replied STOP: send START to the sending number to get SMS again.",
    pageLink: "See the building's page",
    stop: "To stop everything, reply STOP to any SMS.",
    summary: "The form was not sent: correct what is shown.",
    errors: {
      name: "Give your name.",
      phone: "This mobile number is not valid.",
      leadMinutes: "Choose from 1 to 120 minutes.",
      alerts: "Choose at least one message.",
      quietHours: "Quiet hours need a start and an end that differ.",
      consent: "Tick the box to agree to receive the SMS.",
    },
    refused: "This sign-up link can no longer be used: ask for a new one.",
    failed: "The sign-up could not be sent: try again in a moment.",
  },
};

let address = "";
let errors = {}; // field → the service's own words
let summary = "";
const $ = (id) => document.getElementById(id);

function render() {
  const t = texts[settings.language];
  showLanguage();
  for (const element of document.querySelectorAll("[data-t]")) element.textContent = t[element.dataset.t];
  $("building").textContent = address ? t.building(address) : "";
  for (const field of Object.keys(t.errors)) {
    const span = $(`${field}-error`);
    const said = errors[field] ?? errors[`${field}.from`] ?? errors[`${field}.to`];
    span.textContent = said ? `${t.errors[field]} (${said})` : "";
    document.getElementById(field === "leadMinutes" ? "lead" : field)?.setAttribute("aria-invalid", String(Boolean(said)));
  }
  $("summary").hidden = !summary;
  $("summary").textContent = summary ? t[summary] : "";
  document.title = `${t.title} · WasteNotify`;
}

languageButtons(render);

$("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = $("form");
  const from = $("quiet-from").value, to = $("quiet-to").value;
  const body = {
    name: $("name").value.trim(),
    phone: $("phone").value.trim(),
    language: form.querySelector("input[name=language]:checked").value,
    leadMinutes: Number($("lead").value),
    alerts: [...form.querySelectorAll("input[name=alerts]:checked")].map((c) => c.value),
    quietHours: from || to ? { from, to } : null,
    consent: $("consent").checked,
  };
  const response = await fetch(`/api/signup/${encodeURIComponent(token)}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  if (response.status === 201) {
    const result = await response.json();
    errors = {};
    summary = "";
    form.hidden = true;
    $("done").hidden = false;
    $("done-text").textContent = texts[settings.language][result.optedOut ? "doneOptedOut" : "done"];
    $("page-link").href = result.pageUrl;
    render();
    return;
  }

  const problem = response.headers.get("content-type")?.includes("json") ? await response.json() : {};
  errors = Object.fromEntries(Object.entries(problem.errors ?? {}).map(([k, v]) => [k.replace(/^./, (c) => c.toLowerCase()), v.join(" ")]));
  summary = response.status === 400 ? "summary" : response.status === 401 || response.status === 403 ? "refused" : "failed";
  render();
  $("summary").focus();
});

async function start() {
  render();
  const response = await fetch(`/api/signup/${encodeURIComponent(token)}`);
  if (!response.ok) {
    summary = "refused";
    render();
    return;
  }

  address = (await response.json()).address;
  render();
}

start();
