// SPDX-License-Identifier: MIT
// The in-page Python (Pyodide) in a Web Worker of its own: live.js starts it.
//
// Python runs here, not on the page's thread, so that a long run never
// freezes the page, and the page can end a run at any moment by ending this
// worker (worker.terminate()) and starting another: that works on any web
// server, with no special headers. Messages:
//
//   page -> worker                      worker -> page
//   {type: "boot", base, manifest}      {type: "progress", text} ... {type: "ready", phases}
//                                       or {type: "failed", message}
//   {type: "pytest"}                    {type: "progress", text} ... {type: "ready", phases}
//   {type: "call", id, fn, args}        {type: "output", id, text} (chunks of what
//                                       the run prints, as it prints them), then
//                                       {type: "done", id, result, ms} or
//                                       {type: "error", id, message}: a Python
//                                       exception outside the run (the runtime
//                                       is still usable), or
//                                       {type: "fatal", id, message}: the runtime
//                                       itself stopped (os._exit, a crash).
//
// `fn` names a function of runner.py (run, check, check_exercise, count,
// evaluate...): its JSON answer comes back as `result`, an object, and `ms`
// is how long it ran. `phases`: how many ms each step of the start took.
"use strict";

const LOCAL = "/home/pyodide/local";
let state = null; // {pyodide, runner, install, files}
let pytest = null; // the promise of pytest's wheels, installed once
let current = 0; // the id of the call running now
// How long each step of the start took, in ms (sent with "ready"): where a
// first Run's time goes.
const phases = {};
async function timed(name, work) {
  const started = performance.now();
  try {
    return await work();
  } finally {
    phases[name] = Math.round(performance.now() - started);
  }
}

const post = (message) => self.postMessage(message);
const megabytes = (bytes) => (bytes / 1e6).toFixed(1);

// A file of the manifest, checked against its sha256 where the browser can.
async function get(base, name, digest, onBytes) {
  // The hash in the URL: a rebuilt site never gets a stale file from a cache.
  // Pyodide's own files are asked for as Pyodide asks for them, so that
  // loadPyodide() then finds its .wasm in the browser's cache (the standard
  // library and the lock file it is given, as checked here).
  const query = name.startsWith("pyodide/") ? "" : `?v=${digest.slice(0, 16)}`;
  const response = await fetch(`${base}${name}${query}`);
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  const parts = [];
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    onBytes(value.length);
  }
  const data = await new Blob(parts).arrayBuffer();
  if (self.crypto && crypto.subtle) {
    // Only in secure contexts (https, 127.0.0.1, localhost); elsewhere the
    // build's own check of the files (against the cache's manifest) stands.
    const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    const hex = [...sum].map((b) => b.toString(16).padStart(2, "0")).join("");
    if (hex !== digest) throw new Error(`${name} does not match manifest.json`);
  }
  return data;
}

// What to call with each piece of a group of files that comes: it says how
// much of the group has come, at most every 150 ms.
function meter(manifest, names, what) {
  const sizes = manifest.sizes || {};
  const total = names.reduce((sum, name) => sum + (sizes[name] || 0), 0);
  let received = 0;
  let said = 0;
  return (count) => {
    received += count;
    const now = Date.now();
    if (total && now - said > 150) {
      said = now;
      post({ type: "progress", text: `${what}… ${megabytes(received)} of ${megabytes(total)} MB` });
    }
  };
}

// Fetch files, each checked.
function fetchAll(base, manifest, names, onBytes) {
  return Promise.all(names.map((name) => get(base, name, manifest.files[name], onBytes)));
}

async function boot(base, manifest) {
  const files = manifest.files;
  const names = (prefix) => Object.keys(files).filter((name) => name.startsWith(prefix));
  // Pyodide's own files, checked; Python starts on them while the wheels
  // and this checkout's modules still come. Pyodide reads the standard
  // library and its lock file from the bytes checked here, not again.
  const core = names("pyodide/").filter((name) => !name.endsWith(".mjs"));
  const others = [...names("wheels/"), "local.zip", "runner.py"];
  const onBytes = meter(manifest, [...core, ...others], "loading Python");
  const rest = timed("fetch and check the wheels and local.zip", () =>
    fetchAll(base, manifest, others, onBytes),
  );
  rest.catch(() => {}); // awaited below, where a failure is reported
  const checked = await timed("fetch and check Pyodide's files", async () => {
    const data = await fetchAll(base, manifest, core, onBytes);
    return Object.fromEntries(core.map((name, index) => [name, data[index]]));
  });
  post({ type: "progress", text: "starting Python…" });
  const pyodide = await timed("start Python", async () => {
    const { loadPyodide } = await import(`${base}pyodide/pyodide.mjs`);
    const stdlib = URL.createObjectURL(new Blob([checked["pyodide/python_stdlib.zip"]]));
    const lock = new TextDecoder().decode(checked["pyodide/pyodide-lock.json"]);
    try {
      return await loadPyodide({
        indexURL: `${base}pyodide/`,
        packageBaseUrl: `${base}pyodide/`,
        stdLibURL: stdlib,
        lockFileContents: JSON.parse(lock),
      });
    } finally {
      URL.revokeObjectURL(stdlib);
    }
  });
  const fetched = await rest;
  const [local, source] = fetched.slice(-2);
  const wheels = fetched.slice(0, -2);
  post({ type: "progress", text: "installing Flask…" });
  const site = pyodide.runPython("import site; site.getsitepackages()[0]");
  const install = (archives) => {
    for (const wheel of archives) pyodide.unpackArchive(wheel, "wheel", { extractDir: site });
  };
  await timed("unpack the wheels", () => install(wheels));
  // viewlib, the chapters' apps and the exercises, from this checkout.
  await timed("unpack local.zip", () => pyodide.unpackArchive(local, "zip", { extractDir: LOCAL }));
  const runner = await timed("import runner.py", () => {
    pyodide.FS.writeFile("/home/pyodide/live_runner.py", new Uint8Array(source));
    pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide')");
    return pyodide.pyimport("live_runner");
  });
  runner.set_sink((text) => post({ type: "output", id: current, text }));
  state = { pyodide, runner, install, base, manifest };
}

// pytest and its wheels: only for the pages that use it, once.
function needPytest() {
  pytest ??= (async () => {
    const { base, manifest } = state;
    const names = Object.keys(manifest.files).filter((n) => n.startsWith("test-wheels/"));
    const onBytes = meter(manifest, names, "installing pytest");
    const wheels = await timed("fetch pytest", () => fetchAll(base, manifest, names, onBytes));
    await timed("unpack pytest", () => state.install(wheels));
  })().catch((error) => {
    pytest = null;
    throw error;
  });
  return pytest;
}

function call({ id, fn, args }) {
  current = id;
  const { runner } = state;
  if (typeof runner[fn] !== "function" || fn.startsWith("_")) {
    post({ type: "error", id, message: `runner.py has no function ${fn}` });
    return;
  }
  try {
    const started = performance.now();
    const answer = runner[fn](...args);
    const result = typeof answer === "string" ? JSON.parse(answer) : answer;
    post({ type: "done", id, result, ms: Math.round(performance.now() - started) });
  } catch (error) {
    // A Python exception that runner.py let through leaves Python usable;
    // anything else (Pyodide's fatal error after os._exit, a stack overflow
    // in WebAssembly) means this runtime is gone.
    const python = error && error.constructor && error.constructor.name === "PythonError";
    post({ type: python ? "error" : "fatal", id, message: String(error && error.message) });
  }
}

self.onmessage = async ({ data }) => {
  try {
    if (data.type === "boot") {
      await timed("start in all", () => boot(data.base, data.manifest));
      post({ type: "ready", phases });
    } else if (data.type === "pytest") {
      await needPytest();
      post({ type: "ready", phases });
    } else if (data.type === "call") {
      call(data);
    }
  } catch (error) {
    post({ type: "failed", message: String((error && error.message) || error) });
  }
};
