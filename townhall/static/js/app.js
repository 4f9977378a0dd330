// Progressive enhancement only: every page works without this file.
const body = document.body;

// GOV.UK Frontend's template sets this class with an inline script, which our CSP forbids;
// a module script only runs where GOV.UK Frontend is supported, so set it here.
body.classList.add("govuk-frontend-supported");
import(body.dataset.govukJs).then(({ initAll }) => initAll());

// Session timeout warning (WCAG 2.2.1): warn before the idle limit, let the person extend.
function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

if (body.dataset.sessionIdle) {
  const idle = Number(body.dataset.sessionIdle) * 1000;
  const warnBefore = Number(body.dataset.sessionWarn) * 1000;
  const dialog = document.getElementById("session-warning");
  const countdown = dialog && dialog.querySelector("[data-session-countdown]");
  let deadline = Date.now() + idle;
  let ticker = null;

  const tick = () => {
    const left = Math.max(0, deadline - Date.now());
    if (left === 0) {
      window.location.reload();
      return;
    }
    if (left <= warnBefore && dialog.hidden) {
      dialog.hidden = false;
      dialog.querySelector("[data-session-extend]").focus();
    }
    if (!dialog.hidden && countdown) {
      const minutes = Math.ceil(left / 60000);
      // The page's own words for the minutes left (Welsh on a Welsh page).
      const many = countdown.dataset.minutes || "{n} minutes";
      countdown.textContent = minutes > 1 ? many.replace("{n}", minutes) : countdown.dataset.minute || "1 minute";
    }
  };
  ticker = setInterval(tick, 5000);

  dialog.querySelector("[data-session-extend]").addEventListener("click", async () => {
    const response = await fetch(body.dataset.sessionExtendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    });
    if (response.ok) {
      deadline = Date.now() + idle;
      dialog.hidden = true;
    }
  });
  window.addEventListener("beforeunload", () => clearInterval(ticker));
}

// Address lookup without reloading the page (htmx swaps in the list of addresses): move the
// focus to what appeared, as a page load would for a screen reader user. htmx:load fires on
// the new content (the old element, the swap's target, has left the page by then).
document.addEventListener("htmx:load", (event) => {
  const lookup = event.detail.elt;
  if (!lookup || !lookup.matches || !lookup.matches("[data-address-lookup]")) return;
  const target = lookup.querySelector("select") || lookup.querySelector("input");
  if (target) target.focus();
});
