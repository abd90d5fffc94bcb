// SPDX-License-Identifier: MIT
// Run controls for the page's Python examples, run in this tab by Pyodide.
//
// The build wraps each example sybil runs in [data-live="block"] (see
// _ext/live/__init__.py). This file, a few kilobytes, gives each one a Run
// control (or a Check control for an exercise) and the page a "Check this
// page" control. Nothing of the runtime loads until the first press; then
// everything comes from this site's _static/live/ folder, listed with its
// sha256 in manifest.json: no other host is asked for anything.
"use strict";
(() => {
  const script = document.currentScript;
  const base = new URL(".", script.src).href;
  const LOCAL = "/home/pyodide/local";
  let runtime = null; // the promise of {runner, needPytest}, made on first press
  let busy = false;

  const element = (tag, className, text) => {
    const node = document.createElement(tag);
    node.className = className;
    if (text) node.textContent = text;
    return node;
  };
  const button = (label, onClick) => {
    const node = element("button", "live-button", label);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  };
  // Let the page paint (progress, outputs) between long synchronous steps.
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  const blocks = [...document.querySelectorAll('[data-live="block"]')].map(
    (node, index) => {
      const data = node.dataset;
      const block = {
        node,
        index,
        kind: data.kind,
        pre: node.querySelector("pre"),
        key: data.namespace || "",
        // sybil's skip markers; undefined (None in Python) when there is none.
        skip: data.skip,
        skipAll: data.skipAll,
        exercise: data.exercise,
        localOnly: "localOnly" in data,
        name: `<example ${index + 1}>`,
        ran: false,
      };
      const bar = element("div", "live-bar");
      if (block.localOnly) {
        const why = data.localOnly ? `: ${data.localOnly}` : "";
        bar.append(element("span", "live-note", `runs locally only${why}`));
      } else {
        try {
          block.pre.contentEditable = "plaintext-only";
        } catch {
          block.pre.contentEditable = "true"; // browsers without plaintext-only
        }
        block.pre.spellcheck = false;
        const label = block.kind === "exercise" ? "Check" : "Run";
        bar.append(button(label, () => press(block)));
      }
      block.output = element("pre", "live-output");
      block.output.dataset.live = "output";
      block.output.hidden = true;
      node.append(bar, block.output);
      return block;
    },
  );
  const examples = blocks.filter((b) => b.kind !== "exercise");
  if (!blocks.length) return;

  const show = (block, text, state) => {
    block.output.hidden = false;
    block.output.textContent = text;
    block.node.classList.toggle("live-failed", state === "failed");
  };

  async function get(name, digest) {
    // The hash in the URL: a rebuilt site never gets a stale file from a cache.
    const response = await fetch(`${base}${name}?v=${digest.slice(0, 16)}`);
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    const data = await response.arrayBuffer();
    if (crypto.subtle) {
      // Only in secure contexts (https, 127.0.0.1, localhost); elsewhere the
      // build's own check of the files (against the cache's manifest) stands.
      const sum = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
      const hex = [...sum].map((b) => b.toString(16).padStart(2, "0")).join("");
      if (hex !== digest) throw new Error(`${name} does not match manifest.json`);
    }
    return data;
  }

  class Unavailable extends Error {}

  async function boot(progress) {
    if (location.protocol === "file:") {
      throw new Unavailable(
        "browsers do not let a page opened from a file load WebAssembly; serve the site " +
          "(python -m http.server -d _build/html) and open it at http://127.0.0.1:8000",
      );
    }
    progress("loading Python…");
    const response = await fetch(`${base}manifest.json`, { cache: "no-cache" });
    if (!response.ok) throw new Unavailable(`${base}manifest.json: HTTP ${response.status}`);
    const manifest = await response.json();
    // The build writes the reason when it had no runtime to copy.
    if (manifest.unavailable) throw new Unavailable(manifest.unavailable);
    const files = manifest.files;
    const { loadPyodide } = await import(`${base}pyodide/pyodide.mjs`);
    const pyodide = await loadPyodide({ indexURL: `${base}pyodide/` });
    progress("installing Flask…");
    const site = pyodide.runPython("import site; site.getsitepackages()[0]");
    const install = async (folder) => {
      const names = Object.keys(files).filter((n) => n.startsWith(folder));
      const wheels = await Promise.all(names.map((n) => get(n, files[n])));
      for (const wheel of wheels) pyodide.unpackArchive(wheel, "wheel", { extractDir: site });
    };
    await install("wheels/");
    // viewlib, the chapters' apps and the exercises, from this checkout.
    pyodide.unpackArchive(await get("local.zip", files["local.zip"]), "zip", {
      extractDir: LOCAL,
    });
    const source = await get("runner.py", files["runner.py"]);
    pyodide.FS.writeFile("/home/pyodide/live_runner.py", new Uint8Array(source));
    pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide')");
    const runner = pyodide.pyimport("live_runner");
    let pytest = null; // pytest and its wheels: only for the pages that use it
    const needPytest = (progress) => {
      if (!pytest) {
        progress("installing pytest…");
        pytest = install("test-wheels/").catch((error) => {
          pytest = null;
          throw error;
        });
      }
      return pytest;
    };
    return { runner, needPytest };
  }

  function load(progress) {
    runtime ??= boot(progress).catch((error) => {
      if (error instanceof Unavailable) {
        for (const control of document.querySelectorAll(".live-button")) {
          control.disabled = true;
          control.title = `Run is unavailable: ${error.message}`;
        }
      } else {
        runtime = null; // a failed download: let the next press try again
      }
      throw error;
    });
    return runtime;
  }
  const failure = (error) =>
    error instanceof Unavailable
      ? `Run is unavailable: ${error.message}`
      : `Python could not start or stopped: ${error} (reload the page to start again)`;

  const code = (block) => block.pre.textContent;
  const usesPytest = (block) => block.kind === "exercise" || /\bpytest\b/.test(code(block));

  async function runOne({ runner, needPytest }, block, progress) {
    if (usesPytest(block)) await needPytest(progress);
    show(block, "running…");
    await tick();
    if (block.kind === "exercise") {
      const result = JSON.parse(runner.check_exercise(block.exercise, code(block)));
      const lines = result.tests.map(
        (t) => `${t.outcome === "passed" ? "✓" : "✗"} ${t.name}${t.message ? `: ${t.message}` : ""}`,
      );
      const summary = `${result.passed} passed, ${result.failed} failed`;
      show(block, [summary, ...lines].join("\n"), result.failed ? "failed" : "passed");
      return;
    }
    const result = JSON.parse(
      runner.run(block.kind, code(block), block.key, block.skip, block.skipAll, block.name),
    );
    show(block, result.output || "(no output)", result.ok ? "passed" : "failed");
    block.ran = true;
  }

  async function press(block) {
    if (busy) return;
    busy = true;
    const progress = (text) => show(block, text);
    try {
      const python = await load(progress);
      // A page's examples run in order, in one namespace: first the earlier
      // ones not run yet, as sybil would have run them.
      if (block.kind !== "exercise") {
        for (const earlier of examples.slice(0, examples.indexOf(block))) {
          if (!earlier.localOnly && !earlier.ran) await runOne(python, earlier, progress);
        }
      }
      await runOne(python, block, progress);
    } catch (error) {
      show(block, failure(error), "failed");
    } finally {
      busy = false;
    }
  }

  // "Check this page": every example, afresh, doctest sessions with doctest.
  const runnable = examples.filter((b) => !b.localOnly);
  if (!runnable.length) return;
  const bar = element("div", "live-page");
  const check = button("Check this page", checkPage);
  check.dataset.live = "run-page";
  const result = element("span", "live-result");
  result.dataset.live = "page-result";
  const note = element("span", "live-note");
  bar.append(check, result, note);
  (document.querySelector("article h1") || blocks[0].node).after(bar);

  async function checkPage() {
    if (busy) return;
    busy = true;
    result.textContent = "";
    const progress = (text) => {
      note.textContent = text;
    };
    try {
      const { runner, needPytest } = await load(progress);
      if (examples.some(usesPytest)) await needPytest(progress);
      runner.reset();
      const totals = { passed: 0, failed: 0, skipped: 0, localOnly: 0 };
      for (const [number, block] of examples.entries()) {
        if (block.localOnly) {
          totals.localOnly += runner.count(block.kind, code(block));
          continue;
        }
        progress(`checking example ${number + 1} of ${examples.length}…`);
        await tick();
        const outcome = JSON.parse(
          runner.check(block.kind, code(block), block.key, block.skip, block.skipAll, block.name),
        );
        for (const key of ["passed", "failed", "skipped"]) totals[key] += outcome[key];
        block.ran = true;
        if (outcome.failed) {
          const shown = outcome.failures.map(
            (f) => `${f.source}Expected:\n${f.expected || "(nothing)\n"}Got:\n${f.actual}`,
          );
          show(block, shown.join("\n"), "failed");
        } else {
          block.output.hidden = true;
          block.node.classList.remove("live-failed");
        }
      }
      Object.assign(result.dataset, totals);
      result.textContent = `${totals.passed} passed, ${totals.failed} failed`;
      const extra = [];
      if (totals.skipped) extra.push(`${totals.skipped} skipped`);
      if (totals.localOnly) extra.push(`${totals.localOnly} run locally only`);
      progress(extra.length ? `(${extra.join(", ")})` : "");
      result.classList.toggle("live-failed", totals.failed > 0);
    } catch (error) {
      progress(failure(error));
    } finally {
      busy = false;
    }
  }
})();
