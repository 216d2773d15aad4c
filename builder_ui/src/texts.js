// The UI's sentences: the engine's catalog (builder.ui.*) embedded by the shell as JSON data.
let texts = null;

function load() {
  if (texts === null) {
    const node = document.getElementById("builder-texts");
    texts = node ? JSON.parse(node.textContent) : {};
  }
  return texts;
}

/** The sentence of `code` (without the builder.ui. prefix) with {name} parameters filled in;
 * `fallback` (the code itself by default) when the catalog has none. */
export function t(code, params = {}, fallback = code) {
  const found = load()[code] ?? fallback;
  return found.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** A package's two-language text ({"zh-CN", "en"} or a plain string) in the page's language. */
export function pick(text, locale) {
  if (text == null) return "";
  if (typeof text === "string") return text;
  return text[locale] || text["zh-CN"] || text.en || Object.values(text)[0] || "";
}
