// The builder's calls to /api/v1/builder: JSON in and out, the CSRF token on every write, the page's
// language on every call, and refusals (problem+json) thrown as ApiError with the server's fields.
const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
export const locale = () => document.documentElement.lang || "zh-CN";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || String(status));
    this.status = status;
    this.body = body || {};
  }
}

function withLang(path) {
  return path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(locale());
}

/** `base` reaches the rest of /api/v1 (a report preview) with the same token, language and refusals. */
export async function call(method, path, body, { raw = false, base = "/api/v1/builder" } = {}) {
  const headers = { "X-CSRFToken": csrf(), Accept: raw ? "text/html" : "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(withLang(base + path), init);
  if (raw && response.ok) return response.text();
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body);
export const put = (path, body) => call("PUT", path, body);
export const del = (path) => call("DELETE", path);
export const exportUrl = (app, version) =>
  withLang(`/api/v1/builder/apps/${encodeURIComponent(app)}/export` + (version ? `?version=${version}` : ""));
