// check-manifests.mjs FILE.yaml... — checks Kubernetes objects two ways with kubernetes-models:
//   1. the JSON schema of each kind (types, formats, required fields), at run time;
//   2. TypeScript's excess-property check on typed object literals (tsc --strict), which catches
//      misspelled or misplaced fields that the schemas let through.
// Exit status 0 only if both pass. Run through deploy/validate.sh, which installs the packages.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

// Packages come from the current directory (the cache deploy/validate.sh installs them in).
const require = createRequire(join(process.cwd(), "package.json"));
const { parseAllDocuments } = require("yaml");
const files = process.argv.slice(2);
let failures = 0;
const ts = [];
let count = 0;

for (const file of files) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.log(`${file}: YAML error: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj || !obj.apiVersion || !obj.kind) continue;
    if (obj.apiVersion.startsWith("kustomize.config.k8s.io")) continue;
    const [group, version] = obj.apiVersion.includes("/")
      ? obj.apiVersion.split("/")
      : ["", obj.apiVersion];
    const modPath = `kubernetes-models/${group ? group + "/" : ""}${version}/${obj.kind}`;
    const where = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    let Model;
    try {
      Model = require(modPath)[obj.kind];
    } catch {
      console.log(`${where}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`);
      failures++;
      continue;
    }
    // kustomize folds long base64 values over several lines; the API server accepts that.
    const copy = structuredClone(obj);
    if (copy.kind === "Secret" && copy.data) {
      for (const k of Object.keys(copy.data)) copy.data[k] = String(copy.data[k]).replace(/\s+/g, "");
    }
    try {
      new Model(copy).validate();
    } catch (e) {
      console.log(`${where}: ${e.message}`);
      failures++;
    }
    const n = count++;
    ts.push(`import type { I${obj.kind} as T${n} } from "${modPath}";`);
    ts.push(`// ${where}`);
    ts.push(`export const o${n}: T${n} = ${JSON.stringify(copy, null, 2)};`);
  }
}

const dir = mkdtempSync(join(tmpdir(), "gt-manifests-"));
writeFileSync(join(dir, "manifests.ts"), ts.join("\n") + "\n");
writeFileSync(
  join(dir, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, skipLibCheck: true, module: "commonjs",
      moduleResolution: "node", target: "es2020", typeRoots: [],
      baseUrl: process.cwd(), paths: { "*": [join(process.cwd(), "node_modules/*")] },
    },
    files: ["manifests.ts"],
  }),
);
try {
  execFileSync(join(process.cwd(), "node_modules/.bin/tsc"), ["-p", dir], { stdio: "pipe" });
  rmSync(dir, { recursive: true, force: true });
} catch (e) {
  console.log(`TypeScript found problems (generated file ${dir}/manifests.ts):`);
  console.log(String(e.stdout).split("\n").slice(0, 40).join("\n"));
  failures++;
}
console.log(`${count} objects checked, ${failures} problem(s)`);
process.exit(failures ? 1 : 0);
