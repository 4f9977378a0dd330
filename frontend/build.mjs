// Builds the front end into townhall/static/vendor: compiled GOV.UK Frontend CSS with our
// settings, and copies of the JavaScript and assets we serve ourselves (no CDN at run time).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "townhall", "static", "vendor");
const nm = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "frontend", "scss", "townhall.scss"), {
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "townhall.css"), css.css);

const copies = [
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js", "govuk/govuk-frontend.min.js"],
  ["govuk-frontend/dist/govuk/govuk-frontend.min.js.map", "govuk/govuk-frontend.min.js.map"],
  ["govuk-frontend/dist/govuk/assets", "govuk/assets"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.js.map", "leaflet/leaflet.js.map"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images", "leaflet/images"],
  ["axe-core/axe.min.js", "axe/axe.min.js"],
  // The process designer's styles and icon fonts (bpmn-js, its properties panel, dmn-js).
  ["bpmn-js/dist/assets/diagram-js.css", "designer/diagram-js.css"],
  ["bpmn-js/dist/assets/bpmn-js.css", "designer/bpmn-js.css"],
  ["bpmn-js/dist/assets/bpmn-font", "designer/bpmn-font"],
  ["@bpmn-io/properties-panel/dist/assets/properties-panel.css", "designer/properties-panel.css"],
  ["dmn-js/dist/assets/dmn-js-shared.css", "designer/dmn-js-shared.css"],
  ["dmn-js/dist/assets/dmn-js-decision-table.css", "designer/dmn-js-decision-table.css"],
  ["dmn-js/dist/assets/dmn-js-decision-table-controls.css", "designer/dmn-js-decision-table-controls.css"],
  ["dmn-js/dist/assets/dmn-js-drd.css", "designer/dmn-js-drd.css"],
  ["dmn-js/dist/assets/dmn-font", "designer/dmn-font"],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(nm, from), join(out, to), { recursive: true });
}
// The process designer: one bundle of bpmn-js, its properties panel and dmn-js.
await esbuild.build({
  entryPoints: [join(root, "frontend", "designer", "index.js")],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "@bpmn-io/properties-panel/preact",
  outfile: join(out, "designer", "designer.js"),
  logLevel: "warning",
});

console.log(`front end built into ${out}`);
