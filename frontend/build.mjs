// Builds the front end into townhall/static/vendor: compiled GOV.UK Frontend CSS with our
// settings, and copies of the JavaScript and assets we serve ourselves (no CDN at run time).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(nm, from), join(out, to), { recursive: true });
}
console.log(`front end built into ${out}`);
