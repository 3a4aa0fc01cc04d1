// The course's own controls (see controls.py). Plain HTML with native semantics: a fieldset
// and legend around radios or tick boxes that share one name, real <button>s, a labelled
// <select>, one persistent live region for feedback, and links to files made in the browser.
//
// Every focusable element carries `data-lm-suppress-shortcuts`, so JupyterLab's notebook
// shortcuts ("a", "b", "d d", arrows, Enter, Shift+Enter) never fire from inside a course
// widget; the keys do what they do on any web page.

const SUPPRESS = "data-lm-suppress-shortcuts";
const NOT_RUNNING =
  "Nothing happened? This part of the page is not running yet. In JupyterLab, run this " +
  "cell (Shift+Enter) or choose Run > Run All Cells, then try again.";
let counter = 0;

function uid(prefix) {
  counter += 1;
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}-${counter}`;
}

function make(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function focusable(node) {
  node.setAttribute(SUPPRESS, "true");
  return node;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// -- one answer (radios) or several (tick boxes) ------------------------------------------------

function renderChoices(model, el, multiple) {
  const name = uid("sc-choice");
  const legend = make("legend", { class: "sc-legend" });
  const list = make("div", { class: "sc-options" });
  const fieldset = make("fieldset", { class: "sc-choices" }, legend, list);
  let inputs = [];

  function chosen(value) {
    const current = model.get("value");
    return multiple ? (current || []).some((v) => same(v, value)) : same(current, value);
  }
  function syncChecks() {
    model.get("options").forEach(([, value], i) => {
      if (inputs[i]) inputs[i].checked = chosen(value);
    });
  }
  function syncDisabled() {
    for (const input of inputs) input.disabled = model.get("disabled");
  }
  function draw() {
    legend.textContent = model.get("description");
    fieldset.classList.toggle("sc-horizontal", model.get("orientation") === "horizontal");
    const options = model.get("options");
    inputs = options.map(([label, value], i) => {
      const input = focusable(
        make("input", { type: multiple ? "checkbox" : "radio", name, id: `${name}-${i}` }),
      );
      input.addEventListener("change", () => {
        if (multiple) {
          const values = options.filter((_o, j) => inputs[j].checked).map(([, v]) => v);
          model.set("value", values);
        } else if (input.checked) {
          model.set("value", value);
        }
        model.save_changes();
      });
      list.append(
        make("label", { class: "sc-option", for: input.id }, input, make("span", { text: label })),
      );
      return input;
    });
    syncChecks();
    syncDisabled();
  }
  list.replaceChildren();
  draw();
  model.on("change:value", syncChecks);
  model.on("change:disabled", syncDisabled);
  model.on("change:description", () => (legend.textContent = model.get("description")));
  model.on("change:options", () => {
    list.replaceChildren();
    draw();
  });
  el.append(fieldset);
}

// -- a button -----------------------------------------------------------------------------------

function renderButton(model, el) {
  const button = focusable(make("button", { type: "button", class: "sc-button" }));
  const note = make("p", { class: "sc-not-running", hidden: "" });
  let waiting = null;
  function draw() {
    button.textContent = model.get("description");
    const tooltip = model.get("tooltip");
    if (tooltip && tooltip !== model.get("description")) button.title = tooltip;
    else button.removeAttribute("title");
    button.disabled = model.get("disabled");
  }
  draw();
  button.addEventListener("click", () => {
    model.send({ event: "click" });
    clearTimeout(waiting);
    waiting = setTimeout(() => {
      note.textContent = NOT_RUNNING;
      note.hidden = false;
    }, 4000);
  });
  // a focus asked for by Python (the next step of a scenario) may come before the view exists
  model.on("change:focus_request", () => button.focus());
  if (model.get("focus_request")) setTimeout(() => button.focus(), 0);
  model.on("msg:custom", (msg) => {
    if (msg.do === "clicked") {
      clearTimeout(waiting);
      note.hidden = true;
    }
  });
  model.on("change:description", draw);
  model.on("change:tooltip", draw);
  model.on("change:disabled", draw);
  el.append(button, note);
  return () => clearTimeout(waiting);
}

// -- a drop-down list ---------------------------------------------------------------------------

function renderSelect(model, el) {
  const id = uid("sc-select");
  const label = make("label", { class: "sc-select-label", for: id });
  const select = focusable(make("select", { id, class: "sc-select" }));
  function draw() {
    label.textContent = model.get("description");
    select.replaceChildren(
      ...model.get("options").map((text, i) => make("option", { value: String(i), text })),
    );
    sync();
  }
  function sync() {
    select.value = String(model.get("options").indexOf(model.get("value")));
  }
  select.addEventListener("change", () => {
    model.set("value", model.get("options")[Number(select.value)]);
    model.save_changes();
  });
  draw();
  model.on("change:value", sync);
  model.on("change:options", draw);
  model.on("change:description", draw);
  el.append(make("div", { class: "sc-select-row" }, label, select));
}

// -- feedback: one live region that stays in the page -------------------------------------------

function renderLiveRegion(model, el) {
  const region = make("div", { class: "sc-live", role: "status", "aria-live": "polite" });
  function draw() {
    region.innerHTML = model.get("value");
    // The region itself is the one live region: inner markers would only repeat it.
    for (const node of region.querySelectorAll("[role=status], [aria-live]")) {
      node.removeAttribute("role");
      node.removeAttribute("aria-live");
    }
    for (const node of region.querySelectorAll("a, button, summary, input, select")) {
      focusable(node);
    }
  }
  draw();
  model.on("change:value", draw);
  el.append(region);
}

// -- files the course made for the learner, to open or download ---------------------------------

function renderFiles(model, el) {
  const list = make("ul", { class: "sc-files" });
  let urls = [];
  function draw() {
    for (const url of urls) URL.revokeObjectURL(url);
    urls = [];
    list.replaceChildren();
    for (const file of model.get("files")) {
      const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
      urls.push(url);
      const item = make("li");
      if (file.open) {
        item.append(
          focusable(make("a", { href: url, target: "_blank", rel: "noopener", text: file.open })),
          " or ",
        );
      }
      item.append(
        focusable(make("a", { href: url, download: file.name, text: file.label })),
        ` (${file.name})`,
      );
      list.append(item);
    }
    list.hidden = model.get("files").length === 0;
  }
  draw();
  model.on("change:files", draw);
  el.append(list);
  return () => urls.forEach((url) => URL.revokeObjectURL(url));
}

// -- saving from inside a widget ----------------------------------------------------------------
// Save (Ctrl+S, or Cmd+S on a Mac) is the one notebook shortcut a learner needs from inside a
// widget: module 0 says to save often, and the widget's state is saved with the notebook. Lumino
// ignores keys pressed on a suppressed element, so the widget hands JupyterLab a copy of the key
// press from its own box, which is not suppressed. Lumino reads `keyCode`, which a browser
// leaves out of a made-up KeyboardEvent, so the copy carries it as Lumino's own copies do.
// Where nothing takes the copy (Voila), the key does what it does on any web page.

const KEY_FIELDS = ["key", "code", "keyCode", "which", "ctrlKey", "metaKey", "shiftKey", "altKey"];

function passOnSave(el) {
  el.addEventListener("keydown", (event) => {
    const accel = event.ctrlKey || event.metaKey;
    if (!accel || event.altKey || event.key.toLowerCase() !== "s") return;
    if (!event.target.closest || !event.target.closest(`[${SUPPRESS}]`)) return;
    const copy = new Event("keydown", { bubbles: true, cancelable: true });
    for (const field of KEY_FIELDS) Object.defineProperty(copy, field, { value: event[field] });
    el.dispatchEvent(copy);
    if (copy.defaultPrevented) event.preventDefault();
  });
}

const RENDERERS = {
  radio: (model, el) => renderChoices(model, el, false),
  ticks: (model, el) => renderChoices(model, el, true),
  button: renderButton,
  select: renderSelect,
  live: renderLiveRegion,
  files: renderFiles,
};

export default {
  render({ model, el }) {
    el.classList.add("sc-control", `sc-control-${model.get("kind")}`);
    passOnSave(el);
    return RENDERERS[model.get("kind")](model, el);
  },
};
