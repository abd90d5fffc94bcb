// SPDX-License-Identifier: MIT
// Run controls for the page's Python examples; Python runs in a Web Worker.
//
// The build wraps each example sybil runs in [data-live="block"] (see
// _ext/live/__init__.py). This file, a few kilobytes, gives each one a Run
// control (or a Check control for an exercise) and the page a "Check this
// page" control. Python (Pyodide) runs in live-worker.js, a worker of its
// own: the page stays responsive while it runs, and Stop ends a run by ending
// the worker and starting a fresh one. Nothing of the runtime loads with the
// page: it starts loading when the browser is idle after the reader first
// points at or focuses a control. Everything comes from this site's
// _static/live/ folder, listed with its sha256 in manifest.json.
//
// Stable hooks (tests and other tools rely on them): each example's control
// [data-live="run"] (text Run, or Stop while it runs), its output
// [data-live="output"], its editable code [data-live="code"]; the page's
// [data-live="run-page"] and [data-live="page-result"]. Each block's
// data-live-state is idle, running, passed, failed or stopped.
// "Check my view" (viewcheck on the reader's own code, parsed, never run):
// the control [data-live="viewcheck"], the code [data-live="viewcheck-code"]
// (a panel's editor; on an exercise, the exercise's editor is the code) and
// the findings [data-live="viewcheck-output"]. A panel stands where the page
// has `% live: viewcheck` ([data-live="viewcheck-panel"]); every exercise
// that runs in the page has the control too.
//
// A reader's edits survive a reload: each edited example's text is kept in
// the browser's localStorage under the page's path and the example's
// position, with a hash of the page's own text; on load an edit comes back
// only onto the same original text ("your edit, restored", with a "Reset to
// the page's code" control [data-live="reset"]). Without localStorage
// (private windows, a full quota) the page works the same, keeping nothing.
//
// For tools in the page (e.g. a panel that analyses the reader's view):
//   await viewlibLive.evaluate("import json; {'a': 1}")
//     -> {output, omitted, ok, value}  (value: the last expression, as JSON)
//   await viewlibLive.call("run", [...], (chunk) => ...)  any runner.py function
// Both run in the same Python as the page's examples, after what runs now.
"use strict";
(() => {
  const script = document.currentScript;
  const base = new URL(".", script.src).href;
  const limits = {
    // A run longer than this is stopped (and Python restarted), with a message.
    seconds: 60,
  };
  // What a press says while the page's Python starts.
  const LOADING = "loading Python…";
  const LOST = "Python was restarted: examples above will run again before the next one.";

  class Unavailable extends Error {}
  class Stopped extends Error {} // by the reader, or by the time limit
  class Crashed extends Error {} // the runtime itself stopped; it is restarted

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

  // One polite live region for the page: results are announced, not outputs.
  const announcer = element("div", "live-announce");
  announcer.setAttribute("role", "status");
  const announce = (text) => {
    announcer.textContent = "";
    setTimeout(() => (announcer.textContent = text), 50);
  };

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
        label: data.exercise ? `exercise ${data.exercise}` : `example ${index + 1}`,
        ran: false,
      };
      node.dataset.liveState = "idle";
      const bar = element("div", "live-bar");
      block.output = element("pre", "live-output");
      block.output.dataset.live = "output";
      block.output.hidden = true;
      // Long outputs scroll: keyboard users reach them too.
      block.output.tabIndex = 0;
      block.output.setAttribute("aria-label", `output of ${block.label}`);
      if (block.localOnly) {
        const why = data.localOnly ? `: ${data.localOnly}` : "";
        bar.append(element("span", "live-note", `runs locally only${why}`));
        // Said before the code, so a reader knows it before reading a long
        // listing (an exercise's starter) that has no Run or Check here.
        bar.classList.add("live-bar-before");
      } else {
        const pre = block.pre;
        try {
          pre.contentEditable = "plaintext-only";
        } catch {
          pre.contentEditable = "true"; // browsers without plaintext-only
        }
        pre.spellcheck = false;
        pre.dataset.live = "code";
        pre.setAttribute("role", "textbox");
        pre.setAttribute("aria-multiline", "true");
        pre.setAttribute("aria-label", `code of ${block.label} (editable)`);
        const run = block.kind === "exercise" ? "Check" : "Run";
        block.button = button(run, () => press(block));
        block.button.dataset.live = "run";
        block.idleText = run;
        block.button.setAttribute("aria-label", `${run} ${block.label}`);
        block.status = element("span", "live-note");
        bar.append(block.button, block.status);
        pre.addEventListener("keydown", (event) => {
          // Keys typed here are code: the page's own shortcuts (Sphinx's "/"
          // jumps to the search box) must not see them.
          event.stopPropagation();
          if (event.key === "Escape") {
            event.preventDefault();
            block.button.focus(); // out of the editor, onto its control
          } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            press(block);
          } else if (event.key === "Enter" && !event.shiftKey && !event.altKey) {
            // A newline character, not the <br> an editable element may add
            // (which the code read below would not see).
            event.preventDefault();
            document.execCommand("insertText", false, "\n");
          }
        });
      }
      if (block.localOnly) node.prepend(bar);
      else node.append(bar);
      node.append(block.output);
      return block;
    },
  );
  const panels = [...document.querySelectorAll('[data-live="viewcheck-panel"]')];
  if (!blocks.length && !panels.length) return;
  const examples = blocks.filter((b) => b.kind !== "exercise");
  const runnable = examples.filter((b) => !b.localOnly);
  // An editor's text. Typing Enter inserts a <br>, which innerText reads as a
  // newline and textContent drops; textContent where it is not rendered.
  const typed = (editor) => (editor.isConnected ? editor.innerText : "") || editor.textContent;
  const code = (block) => typed(block.pre);
  const usesPytest = (block) => block.kind === "exercise" || /\bpytest\b/.test(code(block));

  // ---- Edits kept in this browser -----------------------------------------

  // localStorage, or null where the browser refuses it (a private window,
  // storage turned off): then nothing is kept and nothing is restored.
  const storage = (() => {
    try {
      const store = window.localStorage;
      const probe = "viewlib-live:probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch {
      return null;
    }
  })();
  // A fingerprint of the page's own text of an example: 64 bits, as hex, from
  // two 32-bit FNV-1a sums with different starting values.
  const fingerprint = (text) => {
    let [a, b] = [0x811c9dc5, 0x01000193 ^ text.length];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
    }
    return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
  };
  const storeKey = (block) => `viewlib-live:edit:${location.pathname}:${block.index}`;
  const forget = (block) => {
    try {
      storage?.removeItem(storeKey(block));
    } catch {
      // nothing kept, nothing to forget
    }
  };
  // Whether a block's editor holds the page's own text (trailing blank
  // lines aside: a browser may add one when the editor is shown or edited).
  const trimmed = (text) => text.replace(/\s+$/, "");
  const unedited = (block) => trimmed(code(block)) === trimmed(block.original);
  // Keep the editor's text if it differs from the page's; forget it if not.
  function keep(block) {
    const text = code(block);
    if (unedited(block)) return forget(block);
    try {
      storage?.setItem(storeKey(block), JSON.stringify({ of: block.fingerprint, code: text }));
    } catch {
      forget(block); // over the quota: an older copy must not come back instead
    }
  }
  // The kept edit of a block, if it was made to the page's present text.
  function kept(block) {
    let found = null;
    try {
      found = JSON.parse(storage?.getItem(storeKey(block)) || "null");
    } catch {
      found = { unreadable: true }; // not what keep() wrote: forgotten below
    }
    if (found && found.of === block.fingerprint && typeof found.code === "string") {
      return found.code;
    }
    if (found) forget(block); // made to other text: dropped, never applied
    return null;
  }

  function markEdited(block, restored) {
    if (block.reset) {
      block.editNote.textContent = restored ? "your edit, restored" : "your edit";
      return;
    }
    const said = restored ? "your edit, restored" : "your edit";
    block.editNote = element("span", "live-note live-edited", said);
    block.reset = button("Reset to the page's code", () => resetBlock(block));
    block.reset.dataset.live = "reset";
    block.reset.setAttribute("aria-label", `Reset to the page's code: ${block.label}`);
    block.node.dataset.liveEdited = restored ? "restored" : "edited";
    block.status.before(block.editNote, block.reset);
  }
  function unmark(block) {
    block.editNote?.remove();
    block.reset?.remove();
    block.editNote = block.reset = null;
    delete block.node.dataset.liveEdited;
  }
  function resetBlock(block) {
    block.pre.innerHTML = block.originalHTML;
    forget(block);
    unmark(block);
    block.button.focus();
    announce(`${block.label}: reset to the page's code`);
  }

  // ---- Colours after an edit ---------------------------------------------

  // Typed or pasted text has no colours: when the reader leaves the editor
  // (and when an edit is restored), the code is coloured again with the
  // classes Sphinx's Pygments gives the page's code, so the theme's colours,
  // checked for contrast in both modes, apply. A small lexer, not Python's:
  // keywords, names, strings, comments, numbers, operators.
  const KEYWORDS = new Set(
    ("assert async await break continue del elif else except finally for global if " +
      "lambda nonlocal pass raise return try while with yield def class").split(" "),
  );
  const NAMED = {
    kn: new Set(["import", "from", "as"]),
    kc: new Set(["True", "False", "None"]),
    ow: new Set(["and", "or", "not", "in", "is"]),
    bp: new Set(["self", "cls"]),
  };
  const BUILTINS = new Set(
    ("print len range str int float bool dict list set tuple isinstance type super " +
      "sorted repr open object Exception ValueError KeyError TypeError").split(" "),
  );
  const QUOTED = String.raw`[rRbBuUfF]{0,2}(?:"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')`;
  const TOKEN = new RegExp(
    [
      String.raw`(#[^\n]*)`, // 1 comment
      `(${QUOTED})`, // 2 string
      String.raw`(@[A-Za-z_][\w.]*)`, // 3 decorator
      String.raw`(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?\b)`, // 4 number
      String.raw`([A-Za-z_]\w*)`, // 5 name
      String.raw`([-+*/%=<>!&|^~]+)`, // 6 operator
      String.raw`([()[\]{}:,.;])`, // 7 punctuation
    ].join("|"),
    "g",
  );
  function lexPython(text, out) {
    let at = 0;
    let previous = "";
    for (const match of text.matchAll(TOKEN)) {
      if (match.index > at) out.push(["", text.slice(at, match.index)]);
      const [whole, comment, string, decorator, number, name, operator] = match;
      let kind = "p";
      if (comment) kind = "c1";
      else if (string) kind = "s2";
      else if (decorator) kind = "nd";
      else if (number) kind = "mi";
      else if (operator) kind = "o";
      else if (name) {
        kind = Object.keys(NAMED).find((key) => NAMED[key].has(name)) || "n";
        if (kind === "n" && KEYWORDS.has(name)) kind = "k";
        else if (kind === "n" && previous === "def") kind = "nf";
        else if (kind === "n" && previous === "class") kind = "nc";
        else if (kind === "n" && BUILTINS.has(name)) kind = "nb";
        previous = name;
      }
      out.push([kind, whole]);
      at = match.index + whole.length;
    }
    if (at < text.length) out.push(["", text.slice(at)]);
  }
  // A session: prompts, the code after them, and what Python printed.
  function lexSession(text, out) {
    for (const line of text.split(/(?<=\n)/)) {
      const prompt = /^(?:>>>|\.\.\.)(?: |(?=\n|$))/.exec(line);
      if (prompt) {
        out.push(["gp", prompt[0]]);
        lexPython(line.slice(prompt[0].length), out);
      } else {
        out.push([line.trim() ? "go" : "", line]);
      }
    }
  }
  function paint(block, text) {
    const tokens = [];
    (block.kind === "doctest" ? lexSession : lexPython)(text, tokens);
    const parts = tokens.map(([kind, part]) =>
      kind ? element("span", kind, part) : document.createTextNode(part),
    );
    block.pre.replaceChildren(...parts);
  }
  // Leaving the editor: an edit gets colours; the page's own code, typed
  // back, gets the page's own markup again.
  function recolour(block) {
    if (!unedited(block)) paint(block, code(block));
    else if (block.pre.innerHTML !== block.originalHTML) block.pre.innerHTML = block.originalHTML;
  }

  const editable = blocks.filter((b) => b.button);
  const restored = [];
  for (const block of editable) {
    block.originalHTML = block.pre.innerHTML;
    block.original = code(block);
    block.fingerprint = fingerprint(block.pre.textContent);
    const edit = kept(block);
    if (edit !== null && trimmed(edit) !== trimmed(block.original)) {
      paint(block, edit);
      markEdited(block, true);
      restored.push(block);
    }
    block.pre.addEventListener("focusout", () => recolour(block));
    block.pre.addEventListener("input", () => {
      keep(block);
      if (unedited(block)) unmark(block);
      else if (!block.reset) markEdited(block, false);
    });
  }

  // ---- The worker ---------------------------------------------------------

  let manifest = null; // the promise of manifest.json
  let python = null; // the worker now: {worker, ready, pending, dirty, pytest}
  let lastId = 0;
  let progressTo = () => {}; // where the worker's progress messages go now

  function readManifest() {
    manifest ??= (async () => {
      if (location.protocol === "file:") {
        throw new Unavailable(
          "browsers do not let a page opened from a file fetch the runtime's files or start " +
            "its worker; serve the site " +
            "(python -m http.server -d _build/html) and open it at http://127.0.0.1:8000",
        );
      }
      const response = await fetch(`${base}manifest.json`, { cache: "no-cache" });
      if (!response.ok) throw new Error(`${base}manifest.json: HTTP ${response.status}`);
      const found = await response.json();
      // The build writes the reason when it had no runtime to copy.
      if (found.unavailable) throw new Unavailable(found.unavailable);
      return found;
    })().catch((error) => {
      if (error instanceof Unavailable) {
        for (const control of document.querySelectorAll(".live-button")) {
          control.disabled = true;
          control.title = `Run is unavailable: ${error.message}`;
        }
      } else {
        manifest = null; // a failed download: the next press tries again
      }
      throw error;
    });
    return manifest;
  }

  function start() {
    if (python) return python;
    const entry = { pending: new Map(), dirty: false, pytest: null, waiting: null };
    const wait = () =>
      new Promise((resolve, reject) => {
        entry.waiting = { resolve, reject };
      });
    entry.ready = readManifest().then((found) => {
      if (python !== entry) throw new Stopped("Stopped.");
      const digest = found.files["live-worker.js"].slice(0, 16);
      entry.worker = new Worker(`${base}live-worker.js?v=${digest}`, { type: "module" });
      entry.worker.onmessage = ({ data }) => receive(entry, data);
      entry.worker.onerror = (event) => {
        event.preventDefault();
        crash(entry, event.message || "the worker stopped");
      };
      const ready = wait();
      entry.worker.postMessage({ type: "boot", base, manifest: found });
      return ready;
    });
    entry.ready.catch((error) => {
      // A failed download: forget this worker, the next press tries again.
      if (python === entry && !(error instanceof Unavailable)) end(entry);
    });
    python = entry;
    return entry;
  }

  function receive(entry, data) {
    const call = entry.pending.get(data.id);
    if (data.type === "progress") {
      entry.said = data.text;
      progressTo(data.text);
    }
    else if (data.type === "ready") {
      entry.phases = data.phases;
      entry.waiting?.resolve();
    }
    else if (data.type === "failed") entry.waiting?.reject(new Error(data.message));
    else if (data.type === "output") call?.onOutput(data.text);
    else if (data.type === "done") {
      if (call) call.ms = data.ms;
      call?.resolve(data.result);
    }
    else if (data.type === "error") call?.reject(new Error(data.message));
    else if (data.type === "fatal") crash(entry, data.message);
  }

  // End a worker: whatever it was doing fails with `reason`.
  function end(entry, reason = new Stopped("Stopped.")) {
    entry.worker?.terminate();
    if (python === entry) python = null;
    entry.waiting?.reject(reason);
    for (const call of entry.pending.values()) call.reject(reason);
    entry.pending.clear();
    return entry.dirty;
  }

  // Python is gone or must go: every example will run again, in a new one.
  function restart(reason) {
    if (!python) return;
    end(python, reason);
    for (const block of blocks) block.ran = false;
    // The stopped block keeps its message: the fresh Python's progress goes
    // to the next block that waits for it (ready() points it there).
    progressTo = () => {};
    idle(start); // the next run finds a fresh Python ready
  }

  function crash(entry, message) {
    if (python === entry) {
      restart(new Crashed(`Python stopped (${message}). ${LOST}`));
    }
  }

  // Python, once it has started. Until then the press's note says what is
  // loading, even when the loading began before the press (a hover).
  async function ready(progress) {
    progressTo = progress;
    const entry = start();
    if (!entry.phases) progress(entry.said || LOADING);
    await entry.ready;
    return entry;
  }

  async function needPytest(entry) {
    entry.pytest ??= new Promise((resolve, reject) => {
      progressTo("installing pytest…");
      entry.waiting = { resolve, reject };
      entry.worker.postMessage({ type: "pytest" });
    });
    return entry.pytest;
  }

  // Run a function of runner.py in the worker: its answer, an object.
  // `clean`: the call runs none of the reader's code and changes nothing the
  // page's examples see, so "Check this page" need not start a fresh Python.
  // `doing`: what the note says once Python is ready and the call runs.
  async function call(fn, args, onOutput = () => {}, { progress, pytest, clean, ran, doing } = {}) {
    const entry = await ready(progress || (() => {}));
    if (pytest) await needPytest(entry);
    if (doing) progress?.(doing);
    if (!clean) entry.dirty = true;
    return new Promise((resolve, reject) => {
      const id = ++lastId;
      const timer = setTimeout(() => {
        if (python === entry) {
          restart(new Stopped(`Stopped after ${limits.seconds} s, the time limit for one run.`));
        }
      }, limits.seconds * 1000);
      const pending = { onOutput };
      const settle = (then) => (value) => {
        clearTimeout(timer);
        entry.pending.delete(id);
        if (ran && pending.ms !== undefined) ran(pending.ms);
        then(value);
      };
      pending.resolve = settle(resolve);
      pending.reject = settle(reject);
      entry.pending.set(id, pending);
      entry.worker.postMessage({ type: "call", id, fn, args });
    });
  }

  const idle = (task) =>
    "requestIdleCallback" in window
      ? requestIdleCallback(() => task(), { timeout: 2000 })
      : setTimeout(task, 200);

  // The first time a reader points at or focuses a control, load Python
  // when the browser is idle: by the press it may be ready.
  const preload = (event) => {
    const controls = ".live-button, [data-live='code'], [data-live='viewcheck-code']";
    if (!event.target.closest?.(controls)) return;
    document.removeEventListener("pointerover", preload);
    document.removeEventListener("focusin", preload);
    idle(() => start().ready.catch(() => {})); // a press reports any error
  };
  document.addEventListener("pointerover", preload);
  document.addEventListener("focusin", preload);

  // ---- Showing runs -------------------------------------------------------

  let active = null; // the block (or "page") running now

  const setState = (block, state) => {
    block.node.dataset.liveState = state;
    block.node.classList.toggle("live-failed", state === "failed" || state === "stopped");
  };
  const begin = (block) => {
    block.output.hidden = false;
    block.output.textContent = "";
    setState(block, "running");
  };
  const said = (error) => {
    if (error instanceof Unavailable) return `Run is unavailable: ${error.message}`;
    if (error instanceof Stopped) return `${error.message} ${LOST}`;
    if (error instanceof Crashed) return error.message;
    return `Python could not start: ${error.message || error}. Press again to retry.`;
  };
  const more = (omitted) => (omitted ? `\n… ${omitted} more characters not shown` : "");

  function verdict(result) {
    if (!result.compared) return "";
    if (!result.differences.length) return "\n✓ The output matches the page's.";
    const shown = result.differences.map(
      (d) => `${d.source}Expected:\n${d.expected || "(nothing)\n"}Got:\n${d.actual || "(nothing)\n"}`,
    );
    const count = result.differences.length;
    const what = count === 1 ? "1 example" : `${count} examples`;
    return `\n✗ The output differs from the page's in ${what}:\n${shown.join("\n")}`;
  }

  // Where the time of the last Run went, in ms (viewlibLive.timings; the
  // live tests record it): from the press to Python ready, to the examples
  // above done, to the first output shown; how long the examples above and
  // the example itself ran in Python; and, when this press started Python,
  // each step of its start in the worker.
  let timings = {};
  const stopwatch = () => {
    const started = performance.now();
    timings = {};
    return (name) => (timings[name] ??= Math.round(performance.now() - started));
  };

  async function runOne(block, progress, { ran, shown = () => {} } = {}) {
    begin(block);
    const onOutput = (text) => {
      block.output.append(text);
      shown();
    };
    const args = [block.kind, code(block), block.key, block.skip, block.skipAll, block.name];
    const pytest = usesPytest(block);
    const result = await call("run", args, onOutput, { progress, pytest, ran });
    const differs = result.differences && result.differences.length;
    block.output.textContent =
      (result.output || "(no output)") + more(result.omitted) + verdict(result);
    shown();
    setState(block, result.ok && !differs ? "passed" : "failed");
    block.ran = true;
    return result;
  }

  function showExercise(block, result) {
    // What to fix first: the checks that did not pass, then those that did.
    const ordered = [
      ...result.tests.filter((t) => t.outcome !== "passed"),
      ...result.tests.filter((t) => t.outcome === "passed"),
    ];
    const lines = ordered.map((t) => {
      if (t.outcome === "passed") return `✓ ${t.name}`;
      const message = t.message ? `\n    ${t.message.split("\n").join("\n    ")}` : "";
      return `✗ ${t.name}: ${t.outcome}${message}`;
    });
    const summary = `${result.passed} passed, ${result.not_passed} not passed`;
    block.output.textContent = [summary, ...lines].join("\n");
    const passed = result.not_passed === 0 && result.passed > 0;
    setState(block, passed ? "passed" : "failed");
    return summary;
  }

  const setControl = (control, text, label) => {
    control.textContent = text;
    if (label) control.setAttribute("aria-label", label);
  };

  async function press(block) {
    if (active === block) return restart(new Stopped("Stopped."));
    if (active) {
      block.status.textContent = "another run is in progress: stop it first";
      return;
    }
    active = block;
    setControl(block.button, "Stop", `Stop ${block.label}`);
    const progress = (text) => (block.status.textContent = text);
    const lap = stopwatch();
    const starting = python;
    try {
      if (block.kind === "exercise") {
        begin(block);
        const result = await call("check_exercise", [block.exercise, code(block)], undefined, {
          progress,
          pytest: true,
          doing: "checking…",
        });
        announce(`${block.label}: ${showExercise(block, result)}`);
      } else {
        // A page's examples run in order, in one namespace: first the earlier
        // ones not run yet (all of them after a restart), as sybil runs them.
        const earlier = runnable.slice(0, runnable.indexOf(block)).filter((b) => !b.ran);
        const entry = await ready(progress);
        lap("Python ready");
        let above = 0;
        const ranAbove = (ms) => (above += ms);
        for (const [number, before] of earlier.entries()) {
          const examples = earlier.length === 1 ? "example" : "examples";
          progress(`running the ${earlier.length} ${examples} above first: ${number + 1}…`);
          await runOne(before, progress, { ran: ranAbove });
        }
        lap("examples above done");
        progress("running…");
        const ran = (ms) => (timings["in Python: the example"] = ms);
        await runOne(block, progress, { ran, shown: () => lap("first output") });
        lap("result");
        Object.assign(timings, {
          "examples above run": earlier.length,
          "in Python: the examples above": above,
          "Python at the press": starting ? (starting.phases ? "ready" : "starting") : "none",
        });
        for (const [step, ms] of Object.entries(entry.phases || {})) {
          timings[`worker: ${step}`] = ms;
        }
        announce(`${block.label}: ${block.node.dataset.liveState}, output below`);
      }
      progress("");
    } catch (error) {
      block.output.hidden = false;
      block.output.append(`${block.output.textContent ? "\n" : ""}${said(error)}`);
      const ended = error instanceof Stopped || error instanceof Crashed;
      setState(block, ended ? "stopped" : "failed");
      // An example above that was running when this run failed or Python
      // ended ends with it: stopped if Python ended, failed otherwise.
      for (const other of blocks) {
        if (other !== block && other.node.dataset.liveState === "running") {
          setState(other, ended ? "stopped" : "failed");
        }
      }
      progress("");
      announce(`${block.label}: ${said(error)}`);
    } finally {
      active = null;
      setControl(block.button, block.idleText, `${block.idleText} ${block.label}`);
    }
  }

  // ---- The page: what the controls do, and "Check this page" --------------

  window.viewlibLive = {
    limits,
    get timings() {
      return timings;
    },
    // Whether the page's current Python has finished loading (the tests
    // wait on it without pressing a control).
    get loaded() {
      return Boolean(python?.phases);
    },
    call: (fn, args, onOutput) => call(fn, args, onOutput),
    evaluate: (source, key = null) => call("evaluate", [source, key]),
  };


  // ---- "Check my view": viewcheck's findings on the reader's code ---------

  // Findings link to sections by paths from the site's root (_static/live/../../).
  const siteRoot = new URL("../../", base);
  // "chapters/10-pitfalls.html#decorating-the-class" -> "decorating the class, chapter 10"
  const sectionName = (url) => {
    const found = /(?:^|\/)(\d+)-[^/]*\.html#(.+)$/.exec(url);
    return found ? `${found[2].replace(/-/g, " ")}, chapter ${Number(found[1])}` : url;
  };

  function showFindings(output, answer) {
    const [summary, list] = output.children;
    list.textContent = "";
    if (answer.error) {
      const where = answer.error.line ? ` (line ${answer.error.line})` : "";
      summary.textContent = `Cannot check this code: ${answer.error.message}${where}.`;
    } else if (!answer.findings.length) {
      summary.textContent =
        "No findings: viewcheck reported none of the mistakes it looks for. It reads the code " +
        "without running it, and can miss one: written another way, or silenced by a " +
        "# noqa comment on its line.";
    } else {
      const count = answer.findings.length + (answer.omitted || 0);
      summary.textContent = count === 1 ? "1 finding:" : `${count} findings:`;
      if (answer.omitted) {
        summary.textContent = `${count} findings (the first ${answer.findings.length} shown):`;
      }
      for (const finding of answer.findings) {
        const item = element("li", "live-finding");
        item.dataset.line = finding.line;
        item.dataset.code = finding.code;
        const link = element("a", "", sectionName(finding.url));
        link.href = new URL(finding.url, siteRoot).href;
        item.append(
          element("strong", "", `Line ${finding.line}: ${finding.code}`),
          ` ${finding.message}.`,
          element("br", ""),
          `Hint: ${finding.hint}. See `,
          link,
          ".",
        );
        list.append(item);
      }
    }
    list.hidden = !answer.findings.length;
    output.hidden = false;
    output.classList.toggle("live-failed", Boolean(answer.error || answer.findings.length));
    return summary.textContent;
  }

  // A control that analyses `editor`'s code; its findings go into `output`.
  function viewcheckControl(editor, output, status, label) {
    const read = () => ("value" in editor ? editor.value : typed(editor));
    const control = button("Check my view", () => analyse());
    control.dataset.live = "viewcheck";
    control.setAttribute("aria-label", `Check my view: ${label}`);
    let busy = false;
    async function analyse() {
      if (busy) return;
      busy = true;
      control.setAttribute("aria-busy", "true");
      const progress = (text) => (status.textContent = text);
      try {
        const answer = await call("viewcheck", [read()], undefined, {
          progress,
          clean: true,
          doing: "checking…",
        });
        progress("");
        showFindings(output, answer);
      } catch (error) {
        progress("");
        showFindings(output, { findings: [], error: { message: said(error) } });
      } finally {
        busy = false;
        control.removeAttribute("aria-busy");
      }
    }
    return { control, analyse };
  }

  const findingsArea = (id) => {
    const output = element("div", "live-viewcheck-output");
    output.dataset.live = "viewcheck-output";
    output.id = id;
    output.hidden = true;
    // Its first line is a live region: the result is announced when it comes.
    const summary = element("p", "live-viewcheck-summary");
    summary.setAttribute("role", "status");
    const list = element("ol", "live-findings");
    list.hidden = true;
    output.append(summary, list);
    return output;
  };

  panels.forEach((panel, index) => {
    const id = `viewcheck-${index + 1}`;
    const title = element("label", "live-viewcheck-label", "Your view's code");
    title.htmlFor = `${id}-code`;
    const help = element(
      "p",
      "live-help",
      "Paste a module with your view classes, then press Check my view: viewcheck reads " +
        "the code in this page's Python, without running it, and lists each mistake it " +
        "knows with its line and the section that shows it. In the editor, Ctrl+Enter " +
        "checks and Escape leaves it.",
    );
    help.id = `${id}-help`;
    const editor = document.createElement("textarea");
    editor.className = "live-viewcheck-code";
    editor.id = `${id}-code`;
    editor.dataset.live = "viewcheck-code";
    editor.rows = 12;
    editor.spellcheck = false;
    editor.setAttribute("autocapitalize", "off");
    editor.setAttribute("autocomplete", "off");
    editor.setAttribute("aria-describedby", help.id);
    const status = element("span", "live-note");
    const output = findingsArea(`${id}-output`);
    const { control, analyse } = viewcheckControl(editor, output, status, "your code");
    control.setAttribute("aria-controls", output.id);
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        control.focus();
      } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        analyse();
      }
    });
    const bar = element("div", "live-bar");
    bar.append(control, status);
    panel.append(title, help, editor, bar, output);
  });

  // An exercise that runs in the page: the control checks its own editor.
  for (const block of blocks) {
    if (block.kind !== "exercise" || block.localOnly) continue;
    const status = element("span", "live-note");
    const output = findingsArea(`viewcheck-exercise-${block.index + 1}`);
    const { control } = viewcheckControl(block.pre, output, status, block.label);
    control.setAttribute("aria-controls", output.id);
    control.setAttribute("aria-describedby", "live-help"); // the page's help
    block.status.after(control, status);
    block.node.append(output);
  }

  const exercises = blocks.some((b) => b.kind === "exercise" && !b.localOnly);
  if (!runnable.length && !exercises) return; // nothing here runs in the page
  const sentences = [
    runnable.length &&
      "Edit any example and press Run: Python runs it in this page, after the examples " +
        "above it, and shows what it prints (the first 100,000 characters).",
    "Stop ends a run; Python then starts afresh.",
    "This Python is Pyodide, CPython compiled to WebAssembly; its version may differ from yours.",
    exercises &&
      "An exercise's Check runs its checks on your code; its Check my view lists the " +
        "class-based-view mistakes viewcheck finds in it, without running it.",
    runnable.length &&
      "Check this page runs the examples, as they stand in their editors, in a fresh " +
        "Python and says how many passed (a >>> line whose output matches the one " +
        "written below it, or a listing that raises no error) and how many failed; " +
        "those the page skips on this Python, and those that run locally only, are " +
        "counted apart, not run.",
    "In an editor, Ctrl+Enter runs and Escape leaves it.",
    storage &&
      "Your edits are kept in this browser and come back when you reload the page; " +
        "Reset to the page's code brings back the page's own.",
  ];
  const help = element("p", "live-help", sentences.filter(Boolean).join(" "));
  help.id = "live-help";
  for (const block of blocks) block.button?.setAttribute("aria-describedby", help.id);
  // After the page's first paragraph (a chapter's reading time), so that the
  // title and that line come first; else after the title, else before the
  // first example.
  const title = document.querySelector("article h1");
  const first = title?.nextElementSibling;
  const place = first?.tagName === "P" ? first : title;
  // Folded: the same on every page, so a reader opens it once. The controls
  // still name it as their description (aria-describedby reads folded text).
  const about = document.createElement("details");
  about.className = "live-about";
  about.append(element("summary", "live-help", "How Run, Stop and Check work here"), help);
  const bar = element("div", "live-page");
  bar.append(about);
  if (place) place.after(bar);
  else blocks[0].node.before(bar);
  bar.append(announcer);
  if (restored.length) {
    const which = restored.map((b) => b.label).join(", ");
    const count = restored.length === 1 ? "your edit of 1 example" : `your edits of ${restored.length} examples`;
    announce(`Restored ${count} from this browser: ${which}. Reset to the page's code undoes one.`);
  }
  if (!runnable.length) return;

  const check = button("Check this page", checkPage);
  check.dataset.live = "run-page";
  check.setAttribute("aria-describedby", help.id);
  const result = element("span", "live-result");
  result.dataset.live = "page-result";
  const note = element("span", "live-note");
  const row = element("div", "live-page-row");
  row.append(check, result, note);
  about.before(row);

  async function checkPage() {
    if (active === "page") return restart(new Stopped("Stopped."));
    if (active) {
      note.textContent = "another run is in progress: stop it first";
      return;
    }
    active = "page";
    setControl(check, "Stop");
    result.textContent = "";
    const progress = (text) => (note.textContent = text);
    try {
      // A fresh Python: nothing an earlier run did can change the counts.
      if (python?.dirty) {
        end(python);
        for (const block of blocks) block.ran = false;
      }
      const pytest = examples.some(usesPytest);
      const totals = { passed: 0, failed: 0, skipped: 0, localOnly: 0 };
      for (const [number, block] of examples.entries()) {
        if (block.localOnly) {
          const args = [block.kind, code(block)];
          totals.localOnly += await call("count", args, undefined, { progress, pytest });
          continue;
        }
        const args = [block.kind, code(block), block.key, block.skip, block.skipAll, block.name];
        const doing = `checking example ${number + 1} of ${examples.length}…`;
        const outcome = await call("check", args, undefined, { progress, pytest, doing });
        progress(`checked example ${number + 1} of ${examples.length}…`);
        for (const key of ["passed", "failed", "skipped"]) totals[key] += outcome[key];
        block.ran = true;
        if (outcome.failed) {
          const shown = outcome.failures.map(
            (f) => `${f.source}Expected:\n${f.expected || "(nothing)\n"}Got:\n${f.actual}`,
          );
          block.output.hidden = false;
          block.output.textContent = shown.join("\n");
          setState(block, "failed");
        } else {
          block.output.hidden = true;
          setState(block, "passed");
        }
      }
      Object.assign(result.dataset, totals);
      result.textContent = `${totals.passed} passed, ${totals.failed} failed`;
      const extra = [];
      if (totals.skipped) extra.push(`${totals.skipped} skipped`);
      if (totals.localOnly) extra.push(`${totals.localOnly} run locally only`);
      progress(extra.length ? `(${extra.join(", ")})` : "");
      result.classList.toggle("live-failed", totals.failed > 0);
      announce(`Check this page: ${result.textContent}`);
    } catch (error) {
      progress(said(error));
      announce(`Check this page: ${said(error)}`);
    } finally {
      active = null;
      setControl(check, "Check this page");
    }
  }
})();
