// A boundary timer in the flow designer, read by business people as a reminder, an escalation or an
// SLA target (超时提醒/升级): how long to wait (an ISO duration, with what it means in words), what
// happens then (the actions the engine registers: notify, escalate, complete, route), who is told,
// the message, working hours, "until someone takes the task" (the accept-within target), whether a
// route interrupts the task, and the condition under which the timer is armed at all.
import { useEffect, useState } from "preact/hooks";
import { t, pick } from "./texts.js";
import { locale } from "./api.js";
import * as m from "./flows_model.js";
import { ExpressionInput } from "./expression.jsx";
import { TextPair } from "./designer_frame.jsx";
import { Recipient } from "./flow_recipient.jsx";
import { useFlowTypes } from "./flow_dispatch.jsx";

/** The wait of a timer (a boundary timer's or a timer step's) with its meaning in words. */
/** An ISO 8601 duration typed in, said back in words ("即 15 分钟"); a timer's wait, or a task's time limit. */
export function Duration({ value, onChange, id = "timer-after", label = t("designers.flow.after"), hint = t("designers.flow.after_hint") }) {
  const [text, setText] = useState(value || "");
  useEffect(() => setText(value || ""), [value]);  // undo, redo, another timer
  const parts = m.durationParts(text);
  return (
    <div class="prop">
      <label for={id}>{label}</label>
      <input id={id} value={text} pattern="P.*" onInput={(e) => setText(e.target.value.trim().toUpperCase())}
        onChange={(e) => onChange(e.target.value.trim().toUpperCase())} />
      <p class="muted hint duration-words">
        {parts ? t("designers.flow.duration_is", { text: parts.map(([n, unit]) => t(`designers.flow.unit.${unit}`, { n })).join(" ") })
          : text ? t("designers.flow.duration_bad") : hint}
      </p>
    </div>
  );
}

export function TimerProperties({ app, doc, draft, flow, timer, holder }) {
  const types = useFlowTypes();
  const set = (key, value) => draft.apply((d) => m.setTimerProp(d, flow.id, timer.id, key, value));
  const action = types?.timer_actions.find((a) => a.key === timer.action);
  const node = flow.nodes.indexOf(holder);
  const pointer = `/flows/${m.flowIndex(doc, flow.id)}/nodes/${node}/timers/${(holder.timers || []).indexOf(timer)}`;
  const context = (at) => () => ({ app, form: flow.form, kind: "condition", document: () => draft.doc, pointer: at });
  const hours = timer.business_hours;
  return (
    <div class="timer-props">
      <h4>{t("designers.flow.timer_title")} · {pick(holder.name, locale()) || t(`designers.flow.kind.${holder.type}`)}</h4>
      <p class="muted hint">{t("designers.flow.timer_hint")}</p>
      <Duration value={timer.after} onChange={(v) => set("after", v)} />
      <div class="prop">
        <label for="timer-action">{t("designers.flow.timer_action")}</label>
        <select id="timer-action" value={timer.action} onChange={(e) => draft.apply((d) => m.setTimerAction(d, flow.id, timer.id, e.target.value))}>
          {(types?.timer_actions || []).map((a) => <option value={a.key}>{a.names?.[locale()] || a.name}</option>)}
          {!action && <option value={timer.action}>{t(`designers.flow.timer.${timer.action}`, {}, timer.action)}</option>}
        </select>
      </div>
      {action?.recipient && (
        <Recipient id="timer-to" legend={t("designers.flow.timer_to")} doc={doc} flow={flow} value={timer.to}
          empty={t("designers.flow.timer_to_task")} onChange={(v) => set("to", v)} />
      )}
      {action?.path && (
        <label class="check"><input type="checkbox" id="timer-interrupting" checked={timer.interrupting !== false}
          onChange={(e) => set("interrupting", e.target.checked ? null : false)} />{t("designers.flow.timer_interrupting")}</label>
      )}
      <TextPair key={`message-${timer.id}`} id="timer-message" label={t("designers.flow.timer_message")} value={timer.message}
        onChange={(v) => set("message", v["zh-CN"] || v.en ? v : null)} />
      <label class="check"><input type="checkbox" id="timer-business-hours" checked={hours !== undefined && hours !== false}
        onChange={(e) => set("business_hours", e.target.checked ? true : null)} />{t("designers.flow.business_hours")}</label>
      {typeof hours === "string" && (
        <div class="prop">
          <label for="timer-business-hours-when">{t("designers.flow.business_hours_when")}</label>
          <ExpressionInput key={`${timer.id}-hours`} id="timer-business-hours-when" label={t("designers.flow.business_hours_when")} value={hours}
            context={context(`${pointer}/business_hours`)} onChange={(text) => text !== hours && set("business_hours", text || true)} />
        </div>
      )}
      <label class="check"><input type="checkbox" id="timer-until-claimed" checked={!!timer.until_claimed}
        onChange={(e) => set("until_claimed", e.target.checked || null)} />{t("designers.flow.until_claimed")}</label>
      <div class="prop">
        <label for="timer-when">{t("designers.flow.timer_when")}</label>
        <ExpressionInput key={`${timer.id}-when`} id="timer-when" label={t("designers.flow.timer_when")} value={timer.when || ""}
          context={context(`${pointer}/when`)} onChange={(text) => text !== (timer.when || "") && set("when", text)} />
      </div>
    </div>
  );
}
