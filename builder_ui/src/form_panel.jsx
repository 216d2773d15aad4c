// The form's own settings, shown when no field is selected: its name, the field that titles its
// records, and its steps (the screens a phone shows, each a title and the fields on it).
import { t, pick } from "./texts.js";

const LOCALES = ["zh-CN", "en"];

function Names({ id, label, value, onChange }) {
  return (
    <div class="prop">
      <label for={id}>{label}</label>
      {LOCALES.map((lang) => (
        <input id={lang === "zh-CN" ? id : undefined} key={lang} placeholder={lang} aria-label={`${label} (${lang})`}
          value={(value || {})[lang] || ""} onChange={(e) => onChange({ ...(value || {}), [lang]: e.target.value })} />
      ))}
    </div>
  );
}

function Steps({ form, types, set, locale }) {
  const steps = form.layout || [];
  const placed = new Set(steps.flatMap((step) => step.fields));
  const change = (index, patch) => set("layout", steps.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const toggle = (index, fieldId, on) => {
    const order = form.fields.map((f) => f.id);
    const chosen = on ? [...steps[index].fields, fieldId] : steps[index].fields.filter((id) => id !== fieldId);
    change(index, { fields: order.filter((id) => chosen.includes(id)) });
  };
  return (
    <div class="steps">
      {steps.map((step, index) => (
        <fieldset class="step" key={index} data-step={index}>
          <legend>{t("form.step", { n: index + 1 })}</legend>
          <Names id={`step-${index}-title`} label={t("form.step_title")} value={step.title} onChange={(title) => change(index, { title })} />
          <div class="step-fields">
            {form.fields.map((field) => (
              <label key={field.id} class={placed.has(field.id) && !step.fields.includes(field.id) ? "muted" : ""}>
                <input type="checkbox" checked={step.fields.includes(field.id)} onChange={(e) => toggle(index, field.id, e.target.checked)} />
                {pick(field.label, locale) || field.id}
              </label>
            ))}
          </div>
          <button type="button" onClick={() => set("layout", steps.filter((_, i) => i !== index))}>{t("remove")}</button>
        </fieldset>
      ))}
      <button type="button" id="add-step" onClick={() => set("layout", [...steps, { title: { "zh-CN": t("form.step", { n: steps.length + 1 }) }, fields: [] }])}>
        {t("form.add_step")}
      </button>
    </div>
  );
}

/** `set(key, value)` changes a key of the form (setFormProp). */
export function FormPanel({ form, types, set, locale }) {
  return (
    <div class="panel form-panel">
      <h3>{t("form.settings")} <code>{form.id}</code></h3>
      <Names id="form-name" label={t("form.name")} value={form.name} onChange={(v) => set("name", v)} />
      <div class="prop">
        <label for="form-title-field">{t("form.title_field")}</label>
        <select id="form-title-field" value={form.title_field || ""} onChange={(e) => set("title_field", e.target.value)}>
          <option value="">—</option>
          {form.fields.filter((f) => types[f.type]?.stores_value).map((f) => <option value={f.id}>{pick(f.label, locale) || f.id}</option>)}
        </select>
      </div>
      <h4>{t("form.steps")}</h4>
      <p class="muted">{t("form.steps_hint")}</p>
      <Steps form={form} types={types} set={set} locale={locale} />
    </div>
  );
}
