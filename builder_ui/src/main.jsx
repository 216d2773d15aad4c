// The builder's entry: a small client-side router over /builder, /builder/apps/<app> and
// /builder/apps/<app>/forms/<form>; the shell page (engine/web/templates/builder/shell.html) serves
// every one of these paths.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Workspace } from "./workspace.jsx";
import { AppPage } from "./app_page.jsx";
import { FormDesigner } from "./designer.jsx";
import { ViewsDesigner } from "./views_designer.jsx";
import { NavigationDesigner } from "./navigation_designer.jsx";
import { PermissionsDesigner } from "./permissions_designer.jsx";
import { FlowsDesigner } from "./flows_designer.jsx";
import { AutomationsDesigner } from "./automations_designer.jsx";
import { ReportsDesigner } from "./report_designer.jsx";
import { DashboardsDesigner } from "./dashboard_designer.jsx";
import * as model from "./model.js";
import "./styles.css";

const DESIGNERS = {
  views: ViewsDesigner, navigation: NavigationDesigner, permissions: PermissionsDesigner,
  flows: FlowsDesigner, automations: AutomationsDesigner, reports: ReportsDesigner, dashboards: DashboardsDesigner,
};
/** Designers that open one of their elements from the address (/builder/apps/<app>/reports/<report>). */
const ITEM_DESIGNERS = ["reports", "dashboards"];

function route(path) {
  const parts = path.replace(/^\/builder\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "apps" && parts[1] && parts[2] === "forms" && parts[3]) return { screen: "form", app: parts[1], form: parts[3] };
  if (parts[0] === "apps" && parts[1] && DESIGNERS[parts[2]] && !parts[3]) return { screen: parts[2], app: parts[1] };
  if (parts[0] === "apps" && parts[1] && parts[2] === "flows" && parts[3]) return { screen: "flows", app: parts[1], flow: parts[3] };
  if (parts[0] === "apps" && parts[1] && ITEM_DESIGNERS.includes(parts[2]) && parts[3] && !parts[4]) return { screen: parts[2], app: parts[1], item: parts[3] };
  if (parts[0] === "apps" && parts[1]) return { screen: "app", app: parts[1] };
  return { screen: "workspace" };
}

function Builder() {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const back = () => setPath(location.pathname + location.search);
    window.addEventListener("popstate", back);
    return () => window.removeEventListener("popstate", back);
  }, []);
  const go = (href) => {
    history.pushState(null, "", href);
    setPath(href);
    window.scrollTo(0, 0);
  };
  const navigate = (e) => {
    e.preventDefault();
    go(e.currentTarget.getAttribute("href"));
  };
  const where = route(path.split("?")[0]);
  if (where.screen === "form") return <FormDesigner key={path} app={where.app} formId={where.form} navigate={navigate} />;
  const Designer = DESIGNERS[where.screen];
  if (Designer) return <Designer key={path} app={where.app} flow={where.flow} item={where.item} navigate={navigate} />;
  if (where.screen === "app") return <AppPage key={where.app} app={where.app} go={go} />;
  return <Workspace go={go} />;
}

window.trellisBuilder = { ...(window.trellisBuilder || {}), model };
render(<Builder />, document.getElementById("builder"));
