// Builds the front-end assets into config/static/dist/ (gitignored). Run with `npm run build`.
//
//   app.css                  assets/scss/app.scss compiled and compressed (GOV.UK Frontend,
//                            system font, no @font-face)
//   govuk-frontend.min.js    GOV.UK Frontend's ES module, imported by config/static/js/app.js
//   plotly.min.js            the plotly.js basic partial bundle (scatter, bar, pie)
//   images/                  the images app.css refers to, and the app's own favicon
//
// No fonts are copied and nothing refers to the network: the build fails if the CSS does.

import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "config", "static", "dist");
const require = createRequire(import.meta.url);
const govuk = join(dirname(require.resolve("govuk-frontend/package.json")), "dist", "govuk");
const plotly = require.resolve("plotly.js-basic-dist-min");
const ownImages = join(root, "assets", "images");
const STATIC_PREFIX = "/static/dist/";

function fail(message) {
  console.error(`assets/build.mjs: ${message}`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "images"), { recursive: true });

// 1. Sass. GOV.UK Frontend 5 still uses @import inside; its deprecation notices are not ours.
const result = sass.compile(join(root, "assets", "scss", "app.scss"), {
  style: "compressed",
  loadPaths: [join(root, "node_modules")],
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "slash-div", "color-functions"],
});
const css = result.css;

if (/@font-face/i.test(css) || /GDS Transport/i.test(css)) {
  fail("app.css contains @font-face or GDS Transport: set $govuk-font-family before GOV.UK Frontend");
}
// (Attribute selectors such as [href^="https://"] in GOV.UK's print styles are not fetches.)
if (/url\(\s*["']?\s*(https?:)?\/\//i.test(css) || /@import/i.test(css)) {
  fail("app.css fetches from another origin: these machines and council networks have no internet");
}
writeFileSync(join(out, "app.css"), css);

// 2. Images the CSS refers to, from GOV.UK Frontend or from assets/images/ (own images win).
const urls = [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1]);
for (const url of new Set(urls)) {
  if (url.startsWith("data:")) continue;
  if (!url.startsWith(`${STATIC_PREFIX}images/`)) {
    fail(`app.css refers to ${url}, outside ${STATIC_PREFIX}images/`);
  }
  const name = url.slice(`${STATIC_PREFIX}images/`.length);
  const source = [join(ownImages, name), join(govuk, "assets", "images", name)].find(existsSync);
  if (!source) fail(`app.css refers to ${url}, which neither assets/images/ nor GOV.UK Frontend has`);
  copyFileSync(source, join(out, "images", name));
}

// The app's own images (a brand-neutral favicon: GOV.UK's is the crown).
for (const name of readdirSync(ownImages)) {
  copyFileSync(join(ownImages, name), join(out, "images", name));
}

// 3. Scripts.
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
copyFileSync(plotly, join(out, "plotly.min.js"));

console.log(`assets/build.mjs: wrote ${out} (app.css ${Math.round(css.length / 1024)} KB)`);
