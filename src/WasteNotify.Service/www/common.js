// What the concierges' pages share: the link's token from the address bar, and the language (French or English,
// the browser's by default, then the one last chosen) with its two buttons in the page's bar.
export const token = new URLSearchParams(location.search).get("token") ?? "";

export const settings = { language: localStorage.getItem("language") ?? (navigator.language?.startsWith("fr") ? "fr" : "en") };

/** Marks the chosen language on the page and its buttons. */
export function showLanguage() {
  document.documentElement.lang = settings.language;
  for (const button of document.querySelectorAll("[data-lang]")) button.setAttribute("aria-pressed", String(button.dataset.lang === settings.language));
}

/** The language buttons: a press remembers the choice and calls render. */
export function languageButtons(render) {
  for (const button of document.querySelectorAll("[data-lang]")) {
    button.addEventListener("click", () => {
      settings.language = button.dataset.lang;
      localStorage.setItem("language", settings.language);
      render();
    });
  }
}
