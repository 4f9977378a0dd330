// The form builder, better with JavaScript; every page works without this file.
// 1. The question page shows only the rules of the answer type chosen.
// 2. After htmx sends back the list of pages, focus returns to the control used.
// 3. Pages and questions can be dragged into order: it posts the same move endpoint as the
//    buttons (which stay, for keyboards) and swaps the list htmx-style.

function showRulesFor(form) {
  const chosen = form.querySelector("input[name=answer_type]:checked");
  const type = chosen ? chosen.value : "";
  for (const group of form.querySelectorAll("[data-answer-types]")) {
    group.hidden = !group.dataset.answerTypes.split(" ").includes(type);
  }
}

const questionForm = document.querySelector("[data-question-form]");
if (questionForm) {
  showRulesFor(questionForm);
  questionForm.addEventListener("change", (event) => {
    if (event.target.name === "answer_type") showRulesFor(questionForm);
  });
}

function focusAfterSwap(list) {
  const { focusKind, focusId, focusDirection } = list.dataset;
  if (!focusId) return;
  const item = list.querySelector(`[data-id="${CSS.escape(focusId)}"]`);
  // A page's own controls are in its title bar (its questions have theirs below).
  const own = item && (item.querySelector(".govuk-summary-card__title-wrapper") || item);
  const target =
    (own && own.querySelector(`button[value="${CSS.escape(focusDirection || "")}"]`)) ||
    (own && own.querySelector("button[name=direction]")) ||
    (own && own.querySelector("a")) ||
    document.querySelector("h1");
  if (target) {
    if (target.tagName === "H1") target.setAttribute("tabindex", "-1");
    target.focus();
  }
  return focusKind;
}

function csrfToken(scope) {
  const input = scope.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

// A question may be dropped among another page's questions too (it moves to that page).
let dragged = null;

function accepts(container) {
  return dragged && dragged.parentElement.dataset.sortable === container.dataset.sortable;
}

function makeSortable(list) {
  for (const container of list.querySelectorAll("[data-sortable]")) {
    const kind = container.dataset.sortable === "pages" ? "page" : "question";
    for (const item of container.children) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", (event) => {
        event.stopPropagation();
        dragged = item;
        item.classList.add("th-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.dataset.id);
      });
      item.addEventListener("dragend", () => {
        item.classList.remove("th-dragging");
        dragged = null;
      });
      item.addEventListener("dragover", (event) => {
        if (!accepts(container) || dragged === item) return;
        event.preventDefault();
        event.stopPropagation();
        item.classList.add("th-drop-target");
      });
      item.addEventListener("dragleave", () => item.classList.remove("th-drop-target"));
      item.addEventListener("drop", (event) => {
        if (!accepts(container)) return;
        event.preventDefault();
        event.stopPropagation();
        item.classList.remove("th-drop-target");
        const position = [...container.children].indexOf(item);
        const values = {
          kind,
          id: dragged.dataset.id,
          position: String(position),
          revision: list.dataset.revision,
          csrfmiddlewaretoken: csrfToken(list),
        };
        if (kind === "question") values.page = container.dataset.page;
        window.htmx.ajax("POST", list.dataset.moveUrl, {
          target: "#form-pages",
          swap: "outerHTML",
          values,
        });
      });
    }
  }
}

const pagesList = document.querySelector("[data-form-pages]");
if (pagesList && window.htmx) {
  for (const note of document.querySelectorAll(".th-js-only")) note.hidden = false;
  makeSortable(pagesList);
  document.body.addEventListener("htmx:afterSwap", () => {
    const list = document.querySelector("[data-form-pages]");
    if (!list) return;
    makeSortable(list);
    focusAfterSwap(list);
  });
}
