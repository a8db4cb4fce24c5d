// The one DOM builder of Vigie's plain scripts, loaded before them:
// vigieEl("a", { href, text, onclick: handler, hidden: true }, child, [children…]) — attributes
// that are null, undefined or false are left out, "text" sets the text, "on…" adds a listener.
window.vigieEl = function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
};
