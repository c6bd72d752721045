// Small DOM builders. Every string becomes a text node or an attribute value, never
// markup, so data from the server cannot inject elements or scripts.

/**
 * Creates an element. `attributes` are set with setAttribute, except `className`,
 * `textContent` and `dataset`, which are assigned as properties. Children may be
 * nodes, strings (added as text), or null/false (skipped).
 */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  applyAttributes(element, attributes);
  appendChildren(element, children);
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element with attributes and children, like `el`. */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  applyAttributes(element, attributes);
  appendChildren(element, children);
  return element;
}

/** Replaces all children of `parent` with `children` (nodes or strings). */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren(...children.filter((child) => child !== null && child !== false));
}

/** Builds a 14 px "copy" icon (two overlapping sheets) for icon buttons. */
export function copyIcon() {
  return svg(
    "svg",
    { viewBox: "0 0 16 16", width: "14", height: "14", "aria-hidden": "true", className: "icon-svg" },
    svg("rect", { x: "5.5", y: "5.5", width: "8", height: "8", rx: "1.5" }),
    svg("path", { d: "M10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1" }),
  );
}

/**
 * Writes text to the clipboard and reports the result on the button for 1.5 s: as its
 * text, or for an icon button as its title.
 */
export async function copyText(button, text) {
  const isIcon = button.querySelector("svg") !== null;
  const original = isIcon ? button.title : button.textContent;
  const show = (message) => {
    if (isIcon) button.title = message;
    else button.textContent = message;
    button.dataset.copyState = message === original ? "" : message;
  };
  try {
    await navigator.clipboard.writeText(text);
    show("Copied");
  } catch {
    // NOTE: the Clipboard API needs a secure context (https or localhost) and page focus.
    show("Copy failed");
  }
  setTimeout(() => show(original), 1500);
}

function applyAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") element.setAttribute("class", value);
    else if (name === "textContent") element.textContent = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
}

function appendChildren(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child); // append() inserts strings as text nodes
  }
}
