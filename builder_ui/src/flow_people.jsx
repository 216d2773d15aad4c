// Named people in a flow (a task's or a notice's "people"), picked by name: the builder types part of a
// name, picks from what the directory finds, and sees names; the flow stores their logins, which the
// engine resolves when the task is made.
import { useEffect, useState } from "preact/hooks";
import { get } from "./api.js";
import { t } from "./texts.js";

const SEARCH_PAUSE = 250;

export function PeoplePicker({ id, app, value = [], onChange }) {
  const [names, setNames] = useState({});
  const [query, setQuery] = useState("");
  const [found, setFound] = useState([]);
  const base = `/apps/${encodeURIComponent(app)}/people`;
  const unnamed = value.filter((login) => !(login in names)).join(",");
  useEffect(() => {
    if (!unnamed) return;
    get(`${base}?logins=${encodeURIComponent(unnamed)}`).then((answer) => {
      const known = Object.fromEntries(answer.items.map((p) => [p.login, p.name]));
      // someone no longer in the directory keeps what the flow stores, so the builder can remove them
      setNames((n) => ({ ...n, ...Object.fromEntries(unnamed.split(",").map((l) => [l, known[l] ?? l])) }));
    });
  }, [unnamed]);
  useEffect(() => {
    const text = query.trim();
    if (!text) {
      setFound([]);
      return undefined;
    }
    const timer = setTimeout(() => get(`${base}?q=${encodeURIComponent(text)}`).then((answer) => setFound(answer.items)), SEARCH_PAUSE);
    return () => clearTimeout(timer);
  }, [query]);
  const add = (person) => {
    setNames((n) => ({ ...n, [person.login]: person.name }));
    if (!value.includes(person.login)) onChange([...value, person.login]);
    setQuery("");
    setFound([]);
  };
  return (
    <div class="people-picker" id={`${id}-picker`}>
      <ul class="chosen">
        {value.map((login) => (
          <li data-login={login}>
            {names[login] ?? "…"}
            <button type="button" class="remove" aria-label={`${t("designers.flow.people_remove")}: ${names[login] ?? ""}`}
              onClick={() => onChange(value.filter((x) => x !== login))}>✕</button>
          </li>
        ))}
      </ul>
      <input id={id} value={query} placeholder={t("designers.flow.people_search")} autocomplete="off"
        onInput={(e) => setQuery(e.target.value)} />
      {found.length > 0 && (
        <ul class="found">
          {found.map((p) => <li><button type="button" class="link" data-login={p.login} onClick={() => add(p)}>{p.name}</button></li>)}
        </ul>
      )}
    </div>
  );
}
