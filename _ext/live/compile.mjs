// SPDX-License-Identifier: MIT
// Run bytecode.py inside Pyodide under Node.js: fetch.py's compile step.
//
//   node _ext/live/compile.mjs PYODIDE_FOLDER CACHE_FOLDER MODULES_JSON
//
// PYODIDE_FOLDER holds pyodide.mjs (the runtime the browser gets); the cache
// folder is mounted in Pyodide's file system, and bytecode.main() adds the
// compiled files of the modules the pages import (MODULES_JSON, a JSON list
// of names) to its standard library and wheels. Prints what it added, as
// JSON.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [folder, cache, modules] = process.argv.slice(2).map((path) => resolve(path));
const { loadPyodide } = await import(pathToFileURL(join(folder, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: `${folder}/` });
pyodide.mountNodeFS("/cache", cache);
const here = dirname(fileURLToPath(import.meta.url));
pyodide.FS.writeFile("/home/pyodide/bytecode.py", readFileSync(join(here, "bytecode.py")));
pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide')");
pyodide.globals.set("modules", readFileSync(modules, "utf8"));
const counts = pyodide.runPython(
  "import bytecode, json; json.dumps(bytecode.main('/cache', json.loads(modules)))",
);
console.log(counts);
