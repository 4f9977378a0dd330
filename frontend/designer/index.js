// The process designer: bpmn-js with its properties panel for the process, dmn-js for its
// decision tables. Bundled at build time into static/vendor/designer (no CDN). The page works
// without JavaScript too: the XML is in plain text areas, which this script hides and fills
// from the editors when the form is sent.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import DmnModeler from "dmn-js/lib/Modeler";
import TownhallPropertiesProvider from "./provider.jsx";

const TownhallModule = {
  __init__: ["townhallPropertiesProvider"],
  townhallPropertiesProvider: ["type", TownhallPropertiesProvider],
};

function status(form, text) {
  const box = form.querySelector("[data-designer-status]");
  if (box) box.textContent = text;
}

async function setup(form) {
  const bpmnArea = form.querySelector("textarea[name=bpmn_xml]");
  const canvas = form.querySelector("[data-bpmn-canvas]");
  const panel = form.querySelector("[data-bpmn-properties]");
  form.querySelectorAll("[data-designer-editors]").forEach((el) => (el.hidden = false));
  form.querySelectorAll("[data-xml-fallback]").forEach((el) => (el.hidden = true));

  const modeler = new BpmnModeler({
    container: canvas,
    propertiesPanel: { parent: panel },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, TownhallModule],
    keyboard: { bindTo: canvas },
  });
  try {
    await modeler.importXML(bpmnArea.value);
    modeler.get("canvas").zoom("fit-viewport");
  } catch (error) {
    status(form, `The process could not be drawn: ${error.message}. Edit its XML instead.`);
    form.querySelectorAll("[data-xml-fallback]").forEach((el) => (el.hidden = false));
    return;
  }

  const tables = [];
  for (const holder of form.querySelectorAll("[data-dmn]")) {
    const area = holder.querySelector("textarea");
    const dmn = new DmnModeler({ container: holder.querySelector("[data-dmn-canvas]") });
    try {
      await dmn.importXML(area.value);
      const table = dmn.getViews().find((v) => v.type === "decisionTable");
      if (table) await dmn.open(table);
      tables.push([dmn, area]);
    } catch (error) {
      holder.querySelector("[data-xml-fallback]").hidden = false;
    }
  }

  let synced = false;
  form.addEventListener("submit", async (event) => {
    if (synced) return;
    event.preventDefault();
    const submitter = event.submitter;
    bpmnArea.value = (await modeler.saveXML({ format: true })).xml;
    for (const [dmn, area] of tables) area.value = (await dmn.saveXML({ format: true })).xml;
    synced = true;
    // Send the button's name and value too: "check" and "publish" share the form.
    if (submitter && submitter.name) {
      const hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    form.submit();
  });
}

document.querySelectorAll("[data-designer]").forEach(setup);
