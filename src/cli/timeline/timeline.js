// The timeline page of `wasm-rr inspect --html` (docs/timeline.md). Reads
// the trace's data from the JSON in #wasm-rr-data and draws the run: one lane
// per interface on a canvas (events binned per pixel column when zoomed out),
// the guest's output, HTTP requests and files, each linked to its events.
//
// Everything in the data came from the trace, that is from the guest: it is
// put into the page as text (textContent, setAttribute), never as HTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("wasm-rr-data").textContent);
  const N = data.events;

  // --- the columns (base64url digits, 5 bits each, bit 5 = more digits) ----
  const DIGIT = new Int8Array(128).fill(-1);
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach((c, i) => { DIGIT[c.charCodeAt(0)] = i; });
  function decode(text, count, Type) {
    const out = new Type(count);
    let k = 0, v = 0, m = 1;
    for (let i = 0; i < text.length && k < count; i++) {
      const d = DIGIT[text.charCodeAt(i)];
      if (d & 32) { v += (d & 31) * m; m *= 32; } else { out[k++] = v + d * m; v = 0; m = 1; }
    }
    return out;
  }
  const fnOf = decode(data.fn, N, Uint32Array);
  const sizeOf = decode(data.size, N, Float64Array);
  const functions = data.functions.map(([name, lane, count], i) => {
    const hash = name.indexOf("#");
    const func = hash >= 0 ? name.slice(hash + 1) : name;
    return { index: i, name, lane, count, func, short: func.replace(/^\[(method|static)\]/, "") };
  });
  const lanes = data.lanes.map((name, i) => ({ index: i, name, count: 0, functions: [] }));
  for (const f of functions) { lanes[f.lane].count += f.count; lanes[f.lane].functions.push(f); }
  const L = lanes.length;
  const laneOfFn = Int32Array.from(functions, (f) => f.lane);

  // Colours: one hue per lane, shades of it per function.
  lanes.forEach((l, i) => { l.hue = Math.round((i * 137.508 + 205) % 360); l.color = `hsl(${l.hue} 62% 46%)`; l.light = `hsl(${l.hue} 60% 62%)`; });
  for (const l of lanes) l.functions.forEach((f, j) => { f.color = `hsl(${l.hue} 65% ${36 + (j * 11) % 30}%)`; });

  // Guest time (ns from the first clock reading), from the readings. Between
  // two readings the time passes in the calls that can block (polls,
  // blocking reads and writes), shared equally between them; where there is
  // none, linearly by event index. An event's time is when it was called.
  const clock = data.clock;
  const times = new Float64Array(N);
  const reading = new Uint8Array(N);
  const span = clock.span_ns || 0;
  const BLOCKING = /#(poll|\[method\]pollable\.block|\[method\](input|output)-stream\.blocking-[a-z-]+)$/;
  const blocksFn = Uint8Array.from(functions, (f) => BLOCKING.test(f.name) ? 1 : 0);
  if (clock.readings > 0) {
    const idx = decode(clock.index, clock.readings, Float64Array);
    const ns = decode(clock.ns, clock.readings, Float64Array);
    let i0 = -1, t0 = 0;
    for (let k = 0; k < clock.readings; k++) {
      const i = (k ? i0 : 0) + idx[k], t = t0 + ns[k];
      if (i >= N) break;
      reading[i] = 1;
      times[i] = t;
      if (k === 0) { for (let j = 0; j < i; j++) times[j] = t; }
      else if (i > i0 + 1) {
        let blocking = 0;
        for (let j = i0 + 1; j < i; j++) blocking += blocksFn[fnOf[j]];
        if (blocking) {
          let seen = 0;
          for (let j = i0 + 1; j < i; j++) { times[j] = t0 + (t - t0) * seen / blocking; seen += blocksFn[fnOf[j]]; }
        } else {
          const step = (t - t0) / (i - i0);
          for (let j = i0 + 1; j < i; j++) times[j] = t0 + step * (j - i0);
        }
      }
      i0 = i; t0 = t;
    }
    for (let j = Math.max(i0 + 1, 0); j < N; j++) times[j] = t0;
  }
  const hasTime = clock.readings > 0 && span > 0;

  const details = new Map();
  for (const d of data.details) details.set(d[0], d);

  // --- helpers ---------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v; else if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  const nf = new Intl.NumberFormat("en-US");
  const num = (n) => nf.format(n);
  function bytes(n) {
    if (n === null || n === undefined) return "";
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
    if (n < 1024 * 1024 * 1024) return `${(n / 1048576).toFixed(1)} MiB`;
    return `${(n / 1073741824).toFixed(2)} GiB`;
  }
  function duration(ns, digits) {
    const a = Math.abs(ns);
    if (a < 1e3) return `${Math.round(ns)} ns`;
    if (a < 1e6) return `${(ns / 1e3).toFixed(digits ?? 2)} \u00b5s`;
    if (a < 1e9) return `${(ns / 1e6).toFixed(digits ?? 3)} ms`;
    return `${(ns / 1e9).toFixed(digits ?? 3)} s`;
  }
  function evlink(i, label) {
    const a = el("a", { class: "evlink", href: `#event=${i}`, "data-event": String(i) }, label ?? `#${i}`);
    a.addEventListener("click", (ev) => { ev.preventDefault(); ev.stopPropagation(); select(i, { reveal: true }); });
    return a;
  }
  function lowerBound(arr, x, lo, hi) { while (lo < hi) { const m = (lo + hi) >> 1; if (arr[m] < x) lo = m + 1; else hi = m; } return lo; }
  function upperBound(arr, x, lo, hi) { while (lo < hi) { const m = (lo + hi) >> 1; if (arr[m] <= x) lo = m + 1; else hi = m; } return lo; }

  // --- the header: summary and how the run ended -------------------------------
  const header = data.header || {};
  const component = header.component || {};
  const command = header.command || {};
  $("title-component").textContent = component.name || "";
  document.title = `wasm-rr timeline: ${component.name || data.trace.path}`;

  const end = data.end;
  const lastEvent = N > 0 ? N - 1 : null;
  (function endBanner() {
    const b = $("end-banner");
    let cls = "ok", text;
    const kind = end.end;
    if (kind === null) {
      cls = "bad";
      text = "Cut short: the recording was killed or crashed; the trace has no end record";
    } else if (kind === "exit") {
      cls = end.status === 0 ? "ok" : "warn";
      text = `The guest exited with status ${end.status}`;
    } else if (kind === "trap") {
      cls = "bad";
      text = `The guest trapped: ${end.message}`;
    } else if (kind === "signal") {
      cls = "warn";
      text = `The recording was stopped by ${end.signal} after ${num(end.events)} events`;
    } else if (kind === "timeout") {
      cls = "warn";
      text = `The recording was stopped by --timeout (${num(end.timeout_ms)} ms) after ${num(end.events)} events`;
    } else {
      cls = "warn";
      text = end.text;
    }
    b.className = `end-banner ${cls}`;
    b.id = "end-banner";
    b.append(el("span", { id: "end-text" }, text));
    if (lastEvent !== null) b.append(el("span", { class: "more" }, " \u2014 last event ", evlink(lastEvent)));
    if (end.replay) b.append(el("div", { class: "more" }, end.replay));
    if (end.truncated) b.append(el("div", { class: "more" }, "The file ends in the middle of an element."));
    if (kind === "trap" && end.backtrace && end.backtrace.length) {
      const ol = el("ol", { class: "backtrace" });
      for (const f of end.backtrace) ol.append(el("li", null, f));
      b.after(ol);
    }
  })();

  (function summary() {
    const dl = $("summary");
    const add = (k, ...v) => { dl.append(el("dt", null, k), el("dd", null, ...v)); };
    const quote = (s) => /^[A-Za-z0-9@%_+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
    add("component", `${component.name ?? "?"} (${num(component.size ?? 0)} bytes)`);
    add("sha-256", component.sha256 ?? "");
    add("command", (command.args || []).map(quote).join(" "));
    add("recorded", `${header.start_time ?? "?"} by wasm-rr ${header.wasm_rr_version ?? "?"}`);
    add("trace", `${data.trace.path} (${data.trace.format}${data.trace.size !== null ? ", " + num(data.trace.size) + " bytes" : ""})`);
    add("events", `${num(N)} in ${L} interface${L === 1 ? "" : "s"}, ${functions.length} function${functions.length === 1 ? "" : "s"}`);
    add("guest time", clock.readings > 0
      ? `${duration(span)} spanned by ${num(clock.readings)} ${clock.name} reading${clock.readings === 1 ? "" : "s"}`
      : "no clock readings");
    add("end", end.text);
    add("env names", (command.env_names || []).join(" ") || "(none)");
    const dirs = (command.preopens || []).map((p) => `${p.host} -> ${p.guest}${p.read_only ? " (read-only)" : ""}`);
    add("dirs", dirs.join(", ") || "(none)");
    const io = data.stdio;
    add("output", `${bytes(io.stdout_bytes)} to stdout, ${bytes(io.stderr_bytes)} to stderr`);
    add("http, files", `${data.http.requests.length} request${data.http.requests.length === 1 ? "" : "s"}, ${data.files.paths.length} path${data.files.paths.length === 1 ? "" : "s"}`);
    if (command.redacted && command.redacted.length) add("redacted", command.redacted.join(" "));
    if (header.limits) add("limits", JSON.stringify(header.limits));
  })();

  $("footer").textContent = `Made by wasm-rr inspect --html from ${data.trace.path}. Everything is in this file; it loads nothing.`;

  // --- the timeline ----------------------------------------------------------------
  const AXIS_H = 22, MATCH_H = 7;
  const LANE_H = L > 24 ? 16 : 22;
  const TOP = AXIS_H + MATCH_H;
  const canvas = $("canvas"), plot = $("plot"), tooltip = $("tooltip");
  const ctx = canvas.getContext("2d");
  let W = 600;  // plot width, CSS pixels
  const H = TOP + Math.max(L, 1) * LANE_H + 2;

  const labels = $("lane-labels");
  labels.style.height = `${H}px`;
  labels.style.width = `${Math.min(420, Math.max(180, 110 + 7.3 * Math.max(0, ...lanes.map((l) => l.name.length))))}px`;
  for (const l of lanes) {
    const lab = el("div", { class: "lane-label", "data-lane": String(l.index), title: `${l.name}: ${num(l.count)} events` },
      el("span", { class: "swatch" }), el("span", { class: "name" }, l.name), el("span", { class: "count" }, num(l.count)));
    lab.firstChild.style.background = l.color;
    lab.style.top = `${TOP + l.index * LANE_H}px`;
    lab.style.height = `${LANE_H}px`;
    labels.append(lab);
  }
  labels.prepend(el("div", { class: "lane-label muted", style: null }, "interface"));
  labels.firstChild.style.top = "0px";
  labels.firstChild.style.height = `${AXIS_H}px`;

  const state = {
    mode: "index",
    v0: 0, v1: Math.max(N, 1),
    selected: -1,
    matches: null,  // sorted event indices, or null
  };
  function full() {
    if (state.mode === "index") return [0, Math.max(N, 1)];
    const pad = span * 0.01;
    return [-pad, span + pad];
  }
  function minWidth() { return state.mode === "index" ? Math.min(8, Math.max(N, 1)) : Math.max(span * 1e-9, 50); }
  function xOf(i) { return state.mode === "index" ? i + 0.5 : times[i]; }
  function px(x) { return (x - state.v0) / (state.v1 - state.v0) * W; }
  function clampView() {
    const [f0, f1] = full();
    let w = state.v1 - state.v0;
    w = Math.min(Math.max(w, minWidth()), f1 - f0);
    let v0 = state.v0;
    if (v0 < f0) v0 = f0;
    if (v0 + w > f1) v0 = f1 - w;
    state.v0 = v0; state.v1 = v0 + w;
  }
  // The events in view: [lo, hi).
  function visible() {
    if (state.mode === "index") return [Math.max(0, Math.floor(state.v0)), Math.min(N, Math.ceil(state.v1))];
    return [lowerBound(times, state.v0, 0, N), upperBound(times, state.v1, 0, N)];
  }

  let bins = null, firstEv = null, lastEv = null, binW = 0;
  function binEvents() {
    const cols = Math.max(1, Math.floor(W));
    if (binW !== cols) {
      bins = new Uint32Array(L * cols); firstEv = new Int32Array(L * cols); lastEv = new Int32Array(L * cols); binW = cols;
    }
    bins.fill(0); firstEv.fill(-1);
    const [lo, hi] = visible();
    const k = cols / (state.v1 - state.v0), v0 = state.v0;
    const index = state.mode === "index";
    for (let i = lo; i < hi; i++) {
      let c = Math.floor(((index ? i + 0.5 : times[i]) - v0) * k);
      if (c < 0 || c >= cols) continue;
      const b = laneOfFn[fnOf[i]] * cols + c;
      if (bins[b]++ === 0) firstEv[b] = i;
      lastEv[b] = i;
    }
    return [lo, hi];
  }

  function niceStep(raw) {
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    const m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }

  let drawn = false;
  function draw() {
    drawn = true;
    const dpr = window.devicePixelRatio || 1;
    W = Math.max(100, plot.clientWidth);
    if (canvas.width !== Math.floor(W * dpr) || canvas.height !== Math.floor(H * dpr)) {
      canvas.width = Math.floor(W * dpr); canvas.height = Math.floor(H * dpr);
      canvas.style.width = `${W}px`; canvas.style.height = `${H}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const [lo, hi] = binEvents();
    const cols = binW;

    // Lanes.
    for (let l = 0; l < L; l++) {
      ctx.fillStyle = l % 2 ? "#fafbfc" : "#ffffff";
      ctx.fillRect(0, TOP + l * LANE_H, W, LANE_H);
    }
    // Axis and grid.
    ctx.fillStyle = "#f1f3f5"; ctx.fillRect(0, 0, W, AXIS_H);
    ctx.font = "11px system-ui, sans-serif"; ctx.textBaseline = "middle";
    const width = state.v1 - state.v0;
    let step = niceStep(width / Math.max(1, W / 110));
    if (state.mode === "index") step = Math.max(1, step);
    for (let x = Math.ceil(state.v0 / step) * step; x <= state.v1; x += step) {
      const p = Math.round(px(state.mode === "index" ? x : x)) + 0.5;
      ctx.strokeStyle = "#e9ecef"; ctx.beginPath(); ctx.moveTo(p, AXIS_H); ctx.lineTo(p, H); ctx.stroke();
      ctx.strokeStyle = "#adb5bd"; ctx.beginPath(); ctx.moveTo(p, AXIS_H - 5); ctx.lineTo(p, AXIS_H); ctx.stroke();
      ctx.fillStyle = "#495057";
      const label = state.mode === "index" ? `#${num(Math.round(x))}` : duration(x, step >= 1e9 ? 1 : step >= 1e6 ? (step >= 1e8 ? 1 : 3) : 2);
      ctx.fillText(label, p + 3, AXIS_H / 2);
    }

    // Events: one mark per event when there is room, else a bar per pixel
    // column whose height says how many events fell into it.
    const perEvent = state.mode === "index" ? W / width : 0;
    if (perEvent >= 3) {
      const wv = Math.max(2, perEvent - (perEvent > 6 ? 2 : 1));
      ctx.font = "11px ui-monospace, monospace";
      for (let i = lo; i < hi; i++) {
        const f = functions[fnOf[i]];
        const x = px(i + 0.5) - wv / 2, y = TOP + f.lane * LANE_H + 3;
        ctx.fillStyle = f.color;
        ctx.fillRect(x, y, wv, LANE_H - 6);
        if (wv > 40) {
          ctx.save(); ctx.beginPath(); ctx.rect(x + 2, y, wv - 4, LANE_H - 6); ctx.clip();
          ctx.fillStyle = "#fff"; ctx.fillText(f.short, x + 3, y + (LANE_H - 6) / 2); ctx.restore();
        }
      }
    } else {
      let max = 1;
      for (let b = 0; b < bins.length; b++) if (bins[b] > max) max = bins[b];
      const logMax = Math.log(max + 1);
      for (let l = 0; l < L; l++) {
        const lane = lanes[l], y0 = TOP + l * LANE_H;
        for (let c = 0; c < cols; c++) {
          const n = bins[l * cols + c];
          if (!n) continue;
          if (n === 1) {
            ctx.fillStyle = functions[fnOf[firstEv[l * cols + c]]].color;
            ctx.fillRect(c, y0 + 3, 1.6, LANE_H - 6);
          } else {
            const h = Math.max(3, (LANE_H - 5) * (0.3 + 0.7 * Math.log(n + 1) / logMax));
            ctx.fillStyle = lane.color;
            ctx.fillRect(c, y0 + LANE_H - 2.5 - h, 1, h);
          }
        }
      }
    }

    // Search matches, in their strip above the lanes.
    if (state.matches && state.matches.length) {
      ctx.fillStyle = "#f59f00";
      const m = state.matches;
      let last = -1;
      const a = state.mode === "index" ? lowerBound(m, lo, 0, m.length) : 0;
      for (let k = a; k < m.length; k++) {
        const i = m[k];
        if (state.mode === "index" && i >= hi) break;
        const c = Math.floor(px(xOf(i)));
        if (c < 0 || c >= W || c === last) continue;
        last = c;
        ctx.fillRect(c - 1, AXIS_H + 1, 3, MATCH_H - 2);
      }
    }

    // The selected event.
    if (state.selected >= 0) {
      const i = state.selected, f = functions[fnOf[i]];
      const x = px(xOf(i));
      if (x >= -2 && x <= W + 2) {
        ctx.fillStyle = "rgba(217, 72, 15, 0.85)";
        ctx.fillRect(Math.round(x) - 1, AXIS_H, 2, H - AXIS_H);
        ctx.strokeStyle = "#d9480f"; ctx.lineWidth = 2;
        const wv = Math.max(8, perEvent);
        ctx.strokeRect(x - wv / 2, TOP + f.lane * LANE_H + 1, wv, LANE_H - 2);
        ctx.lineWidth = 1;
      }
    }

    const vis = hi - lo;
    $("view-range").textContent = state.mode === "index"
      ? `events #${num(lo)}\u2013#${num(Math.max(lo, hi - 1))} (${num(vis)} of ${num(N)})`
      : `${duration(Math.max(0, state.v0))} \u2013 ${duration(Math.min(span, state.v1))} of guest time (${num(vis)} events)`;
  }
  let pending = false;
  function redraw() { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; draw(); }); } }

  // The event under a point of the plot, if any (nearest in its lane, a few pixels around).
  function pick(x, y) {
    const lane = Math.floor((y - TOP) / LANE_H);
    const width = state.v1 - state.v0;
    if (state.mode === "index" && W / width >= 3) {
      const i = Math.floor(state.v0 + x / W * width);
      return i >= 0 && i < N ? i : -1;
    }
    if (!bins) return -1;
    const c0 = Math.floor(x);
    const tryLane = (l) => {
      for (let d = 0; d <= 4; d++)
        for (const c of d ? [c0 - d, c0 + d] : [c0]) {
          if (c < 0 || c >= binW) continue;
          const b = l * binW + c;
          if (bins[b]) return firstEv[b];
        }
      return -1;
    };
    if (lane < 0 || lane >= L) return -1;
    const b = tryLane(lane);
    if (b < 0) return -1;
    // In its pixel column, the event of the lane nearest to the point.
    const c = Math.floor(px(xOf(b)));
    const last = c >= 0 && c < binW ? lastEv[lane * binW + c] : b;
    const xv = state.v0 + x / W * (state.v1 - state.v0);
    let best = b, bestD = Infinity;
    for (let i = b; i <= last; i++) {
      if (laneOfFn[fnOf[i]] !== lane) continue;
      const d = Math.abs(xOf(i) - xv);
      if (d < bestD) { best = i; bestD = d; }
    }
    return best;
  }
  function binAt(x, y) {
    const lane = Math.floor((y - TOP) / LANE_H), c = Math.floor(x);
    if (lane < 0 || lane >= L || c < 0 || c >= binW || !bins) return null;
    const b = lane * binW + c;
    return bins[b] ? { lane, n: bins[b], first: firstEv[b], last: lastEv[b] } : null;
  }

  function eventSummary(i) {
    const f = functions[fnOf[i]];
    const t = hasTime ? `  at ${duration(times[i])}` : "";
    return `#${num(i)} ${f.func}${t}\n${f.name}`;
  }
  function showTooltip(x, y) {
    const width = state.v1 - state.v0;
    let text = null;
    if (state.mode === "index" && W / width >= 3) {
      const i = pick(x, y);
      if (i >= 0) text = eventSummary(i);
    } else {
      const b = binAt(x, y);
      if (b) text = b.n === 1 ? eventSummary(b.first)
        : `${num(b.n)} events of ${lanes[b.lane].name}, from #${num(b.first)} to #${num(b.last)}\n(zoom in to see each)`;
    }
    if (!text) { tooltip.hidden = true; return; }
    tooltip.textContent = text;
    tooltip.hidden = false;
    const tw = tooltip.offsetWidth;
    tooltip.style.left = `${Math.min(x + 14, W - tw - 4)}px`;
    tooltip.style.top = `${y + 16}px`;
  }

  function zoom(factor, atX) {
    const width = state.v1 - state.v0;
    const a = atX === undefined ? 0.5 : atX / W;
    const center = state.v0 + a * width;
    const nw = width * factor;
    state.v0 = center - a * nw; state.v1 = state.v0 + nw;
    clampView(); redraw();
  }

  let drag = null;
  plot.addEventListener("mousedown", (ev) => {
    if (ev.button !== 0) return;
    const r = canvas.getBoundingClientRect();
    drag = { x: ev.clientX, startX: ev.clientX - r.left, y: ev.clientY - r.top, v0: state.v0, v1: state.v1, moved: false };
    ev.preventDefault();
  });
  window.addEventListener("mousemove", (ev) => {
    const r = canvas.getBoundingClientRect();
    if (drag) {
      const dx = ev.clientX - drag.x;
      if (Math.abs(dx) > 3) { drag.moved = true; plot.classList.add("dragging"); }
      if (drag.moved) {
        const width = drag.v1 - drag.v0;
        state.v0 = drag.v0 - dx / W * width; state.v1 = state.v0 + width;
        clampView(); redraw();
      }
      tooltip.hidden = true;
      return;
    }
    const x = ev.clientX - r.left, y = ev.clientY - r.top;
    if (x >= 0 && x < W && y >= 0 && y < H) showTooltip(x, y); else tooltip.hidden = true;
  });
  window.addEventListener("mouseup", () => {
    if (!drag) return;
    const d = drag;
    drag = null;
    plot.classList.remove("dragging");
    if (!d.moved) {
      const i = pick(d.startX, d.y);
      if (i >= 0) select(i, { reveal: true, scrollOutput: true });
    }
  });
  plot.addEventListener("mouseleave", () => { tooltip.hidden = true; });
  plot.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = canvas.getBoundingClientRect();
    const delta = ev.deltaMode === 1 ? ev.deltaY * 30 : ev.deltaY;
    if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      const width = state.v1 - state.v0;
      const d = (ev.shiftKey ? delta : ev.deltaX) / W * width;
      state.v0 += d; state.v1 += d; clampView(); redraw();
      return;
    }
    zoom(Math.exp(delta * 0.0015), ev.clientX - r.left);
  }, { passive: false });
  $("zoom-in").addEventListener("click", () => zoom(0.5));
  $("zoom-out").addEventListener("click", () => zoom(2));
  $("zoom-reset").addEventListener("click", () => { [state.v0, state.v1] = full(); redraw(); });

  function setMode(mode) {
    if (mode === state.mode || (mode === "time" && !hasTime)) return;
    // The same events stay in view.
    const [lo, hi] = visible();
    state.mode = mode;
    if (mode === "time") { state.v0 = times[Math.min(lo, N - 1)]; state.v1 = times[Math.max(0, hi - 1)]; }
    else { state.v0 = lo; state.v1 = hi; }
    if (state.v1 - state.v0 < minWidth()) {
      const c = (state.v0 + state.v1) / 2; state.v0 = c - minWidth(); state.v1 = c + minWidth();
    }
    clampView();
    $("mode-index").classList.toggle("on", mode === "index");
    $("mode-time").classList.toggle("on", mode === "time");
    redraw();
  }
  $("mode-index").addEventListener("click", () => setMode("index"));
  $("mode-time").addEventListener("click", () => setMode("time"));
  if (!hasTime) {
    $("mode-time").disabled = true;
    $("mode-time").title = clock.readings ? "The guest's clock readings span no time" : "The guest read no clock: there is no guest time";
  }

  // --- output, HTTP, files -----------------------------------------------------
  const lineEls = new Map();  // event -> the line elements it began
  (function output() {
    const box = $("output");
    const io = data.stdio;
    const lines = io.lines;
    let out = 0, err = 0;
    const frag = document.createDocumentFragment();
    for (const [stream, event, text, open] of lines) {
      if (stream === 1) out++; else err++;
      const isNote = /^\[\d+ (zero )?bytes/.test(text) && !open;
      const row = el("div", { class: `line ${stream === 1 ? "stdout" : "stderr"}`, "data-event": String(event), title: `${stream === 1 ? "stdout" : "stderr"}, written by event #${event}` },
        el("span", { class: "ev" }, `#${event}`), el("span", { class: "text" }, text),
        open ? el("span", { class: "noeol", title: "The run ended without a newline after this" }, "(no newline)") : null);
      if (isNote) row.classList.add("note");
      row.addEventListener("click", () => select(event, { reveal: true }));
      frag.append(row);
      if (!lineEls.has(event)) lineEls.set(event, []);
      lineEls.get(event).push(row);
    }
    if (!lines.length) frag.append(el("div", { class: "empty" }, "The guest wrote nothing to stdout or stderr."));
    if (io.dropped) frag.append(el("div", { class: "empty" }, `\u2026 and ${num(io.dropped)} more lines, not in this page.`));
    box.append(frag);
    $("output-counts").textContent = `${num(out)} line${out === 1 ? "" : "s"} of stdout, ${num(err)} of stderr` +
      (io.digest_writes ? `; ${io.digest_writes} write${io.digest_writes === 1 ? "" : "s"} longer than 256 bytes, whose bytes the trace does not hold` : "");
  })();

  const httpRows = [];
  (function http() {
    const reqs = data.http.requests;
    $("http-count").textContent = reqs.length ? `${reqs.length}` : "";
    if (!reqs.length) { $("http").append(el("p", { class: "muted" }, "No outgoing HTTP requests (wasi:http).")); return; }
    const table = el("table", { class: "rows", id: "http-table" });
    const types = reqs.some((r) => r.content_type);  // the column only when the guest read a content type
    table.append(el("thead", null, el("tr", null, ...["", "method", "URL", "status", "sent", "received", types ? "type" : null, "guest time", "events"]
      .filter((h) => h !== null).map((h) => el("th", null, h)))));
    const body = el("tbody");
    reqs.forEach((r, k) => {
      const [created, sent, answered, lastE] = r.events;
      const url = `${r.scheme ? r.scheme.toLowerCase() + "://" : ""}${r.authority}${r.path}`;
      const status = r.status !== null ? String(r.status) : (r.error ? `error: ${r.error}` : (sent !== null ? "no response" : "not sent"));
      const statusClass = r.status !== null ? (r.status < 400 ? "status-ok" : "status-bad") : "status-bad";
      const took = hasTime && sent !== null && answered !== null ? duration(times[answered] - times[sent]) : "";
      const tr = el("tr", { class: "clickable", "data-request": String(k) },
        el("td", { class: "num muted" }, k + 1),
        el("td", { class: "mono" }, r.method),
        el("td", { class: "mono" }, url),
        el("td", { class: `mono ${statusClass}` }, status),
        el("td", { class: "num" }, bytes(r.request_bytes)),
        el("td", { class: "num" }, bytes(r.response_bytes)),
        types ? el("td", { class: "mono" }, r.content_type) : null,
        el("td", { class: "num" }, took),
        el("td", { class: "mono" }, ...[["new", created], ["sent", sent], ["answer", answered], ["last", lastE]]
          .filter(([, e]) => e !== null).flatMap(([what, e], j) => [j ? " " : "", `${what} `, evlink(e)])));
      tr.addEventListener("click", () => select(sent ?? created, { reveal: true, scrollOutput: true }));
      body.append(tr);
      httpRows.push({ tr, r, events: r.events.filter((e) => e !== null) });
    });
    table.append(body);
    $("http").append(table);
    if (data.http.dropped) $("http").append(el("p", { class: "muted" }, `\u2026 and ${data.http.dropped} more requests, not in this page.`));
  })();

  const fileRows = [];
  (function files() {
    const paths = data.files.paths;
    $("files-count").textContent = paths.length ? `${paths.length}` : "";
    if (!paths.length) { $("files").append(el("p", { class: "muted" }, "The guest opened no files (wasi:filesystem).")); return; }
    const table = el("table", { class: "rows", id: "files-table" });
    table.append(el("thead", null, el("tr", null, ...["path", "read", "written", "first event", "events"].map((h) => el("th", null, h)))));
    const body = el("tbody");
    for (const f of paths) {
      const read = f.reads ? `${bytes(f.bytes_read)} in ${f.reads} read${f.reads === 1 ? "" : "s"}` : (f.opened_for_reading ? "opened for reading" : "");
      const tr = el("tr", { class: f.first !== null ? "clickable" : null },
        el("td", { class: "mono" }, f.path), el("td", null, read), el("td", null, f.written),
        el("td", { class: "mono" }, f.first !== null ? evlink(f.first) : ""), el("td", { class: "num" }, f.events || ""));
      if (f.first !== null) tr.addEventListener("click", () => select(f.first, { reveal: true, scrollOutput: true }));
      body.append(tr);
      fileRows.push({ tr, f });
    }
    table.append(body);
    $("files").append(table);
    if (data.files.dropped) $("files").append(el("p", { class: "muted" }, `\u2026 and ${data.files.dropped} more paths, not in this page.`));
  })();

  // --- the selected event ------------------------------------------------------------
  const limits = data.details_limits;
  function showDetails(i) {
    const box = $("details");
    box.replaceChildren();
    const f = functions[fnOf[i]];
    const prev = el("button", { type: "button", id: "prev-event", title: "The event before (\u2190)" }, "\u25c0");
    const next = el("button", { type: "button", id: "next-event", title: "The event after (\u2192)" }, "\u25b6");
    prev.disabled = i <= 0; next.disabled = i >= N - 1;
    prev.addEventListener("click", () => select(i - 1, { reveal: true, scrollOutput: true }));
    next.addEventListener("click", () => select(i + 1, { reveal: true, scrollOutput: true }));
    box.append(el("div", { class: "head" }, el("span", { class: "num", id: "details-event" }, `#${i}`), prev, next,
      el("span", { class: "muted" }, `of ${num(N)}`)));
    const kv = el("table", { class: "kv" });
    const row = (k, ...v) => kv.append(el("tr", null, el("th", null, k), el("td", null, ...v)));
    row("function", el("span", { class: "fnname", id: "details-fn" }, f.name));
    row("interface", lanes[f.lane].name);
    if (hasTime || clock.readings) {
      row("guest time", `${duration(times[i])} after the first clock reading` +
        (reading[i] ? ` (this is a ${clock.name} reading)` : " (interpolated between readings)"));
    }
    row("in the trace", `${num(sizeOf[i])} bytes`);
    const d = details.get(i);
    if (d) {
      row("arguments", el("pre", { class: "value", id: "details-args" }, d[1]));
      if (d.length > 3) row("ended the run", el("pre", { class: "value", id: "details-end" }, d[3]));
      else row("results", el("pre", { class: "value", id: "details-results" }, d[2]));
    }
    box.append(kv);
    if (!d) {
      const p = el("p", { class: "note", id: "details-cut" },
        `This page keeps the arguments and results of ${num(data.details.length)} of the ${num(N)} events ` +
        `(the first ${num(limits.first)}, up to ${num(limits.notable)} more that are not clock, random or poll calls, and the last ${num(limits.last)}). See this one with `,
        el("code", null, `wasm-rr inspect ${data.trace.path} --events ${i}`), ".");
      box.append(p);
    } else if (d[1].endsWith("\u2026") || d[2].endsWith("\u2026")) {
      box.append(el("p", { class: "note" }, `Shown cut to ${num(limits.chars)} characters; all of it: `,
        el("code", null, `wasm-rr inspect ${data.trace.path} --events ${i}`)));
    }
    // What else the event is part of.
    const rel = [];
    const ls = lineEls.get(i);
    if (ls) rel.push(`began ${ls.length} line${ls.length === 1 ? "" : "s"} of output`);
    for (const h of httpRows) if (h.events.includes(i)) rel.push(`part of HTTP request ${h.tr.dataset.request * 1 + 1} (${h.r.method} ${h.r.authority}${h.r.path})`);
    for (const fr of fileRows) if (fr.f.first === i) rel.push(`first call on ${fr.f.path}`);
    if (rel.length) box.append(el("p", { class: "note" }, rel.join("; ")));
  }

  let selectedLines = [];
  function select(i, opts) {
    if (!(i >= 0 && i < N)) return;
    i = Math.floor(i);
    state.selected = i;
    const o = opts || {};
    if (o.reveal) {
      const x = xOf(i);
      if (x < state.v0 || x > state.v1) {
        const w = state.v1 - state.v0;
        state.v0 = x - w / 2; state.v1 = x + w / 2; clampView();
      }
    }
    showDetails(i);
    for (const r of selectedLines) r.classList.remove("sel");
    selectedLines = lineEls.get(i) || [];
    for (const r of selectedLines) r.classList.add("sel");
    if (o.scrollOutput && selectedLines.length) {
      const box = $("output"), r = selectedLines[0];
      if (r.offsetTop < box.scrollTop || r.offsetTop > box.scrollTop + box.clientHeight - 20)
        box.scrollTop = r.offsetTop - box.clientHeight / 2;
    }
    for (const h of httpRows) h.tr.classList.toggle("sel", h.events.includes(i));
    for (const fr of fileRows) fr.tr.classList.toggle("sel", fr.f.first === i);
    try { history.replaceState(null, "", `#event=${i}`); } catch (e) { /* file:// may refuse: the link is only a convenience */ }
    redraw();
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.target instanceof HTMLInputElement || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === "ArrowLeft" && state.selected > 0) { select(state.selected - 1, { reveal: true, scrollOutput: true }); ev.preventDefault(); }
    else if (ev.key === "ArrowRight" && state.selected >= 0 && state.selected < N - 1) { select(state.selected + 1, { reveal: true, scrollOutput: true }); ev.preventDefault(); }
    else if (ev.key === "+" || ev.key === "=") zoom(0.5);
    else if (ev.key === "-") zoom(2);
  });

  // --- search ----------------------------------------------------------------------
  let lowered = null;  // the details' text, lower case, built at the first search
  function search(q) {
    const box = $("search-results");
    box.replaceChildren();
    q = q.trim();
    if (!q) { state.matches = null; box.hidden = true; $("search-count").textContent = ""; redraw(); return; }
    const ql = q.toLowerCase();
    const hits = new Set();
    const fnHit = functions.map((f) => f.name.toLowerCase().includes(ql));
    if (!lowered) lowered = data.details.map((d) => [d[0], `${d[1]}\n${d[2]}\n${d[3] || ""}`.toLowerCase()]);
    for (const [i, text] of lowered) if (text.includes(ql)) hits.add(i);
    for (const [, event, text] of data.stdio.lines) if (text.toLowerCase().includes(ql)) hits.add(event);
    for (const h of httpRows) if (`${h.r.method} ${h.r.scheme}://${h.r.authority}${h.r.path} ${h.r.status ?? ""}`.toLowerCase().includes(ql)) for (const e of h.events) hits.add(e);
    for (const fr of fileRows) if (fr.f.path.toLowerCase().includes(ql) && fr.f.first !== null) hits.add(fr.f.first);
    let matches;
    if (fnHit.some(Boolean)) {
      const out = [];
      for (let i = 0; i < N; i++) if (fnHit[fnOf[i]] || hits.has(i)) out.push(i);
      matches = Int32Array.from(out);
    } else {
      matches = Int32Array.from([...hits].sort((a, b) => a - b));
    }
    state.matches = matches;
    const m = /^#?(\d+)$/.exec(q);
    const items = [];
    if (m && Number(m[1]) < N) {
      const i = Number(m[1]);
      items.push(el("li", { "data-event": String(i) }, `go to event #${i}: ${functions[fnOf[i]].name}`));
    }
    const shown = Math.min(matches.length, 200);
    for (let k = 0; k < shown; k++) {
      const i = matches[k], d = details.get(i), f = functions[fnOf[i]];
      items.push(el("li", { "data-event": String(i) }, `#${i}  ${f.func}  ${d ? d[1].slice(0, 120) + "  \u2192 " + (d[3] || d[2]).slice(0, 80) : ""}`));
    }
    for (const li of items) li.addEventListener("click", () => select(Number(li.dataset.event), { reveal: true, scrollOutput: true }));
    if (matches.length > shown) items.push(el("li", { class: "more" }, `\u2026 ${num(matches.length - shown)} more (Enter steps through them all)`));
    if (!items.length) items.push(el("li", { class: "more" }, "No match."));
    box.append(...items);
    box.hidden = false;
    $("search-count").textContent = `${num(matches.length)} match${matches.length === 1 ? "" : "es"}`;
    redraw();
  }
  let searchTimer = null;
  const input = $("search");
  input.addEventListener("input", () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => search(input.value), 150); });
  input.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    clearTimeout(searchTimer);
    search(input.value);
    const q = input.value.trim(), m = /^#?(\d+)$/.exec(q);
    if (m && Number(m[1]) < N) { select(Number(m[1]), { reveal: true, scrollOutput: true }); return; }
    const ms = state.matches;
    if (!ms || !ms.length) return;
    let k;
    if (ev.shiftKey) { k = lowerBound(ms, state.selected, 0, ms.length) - 1; if (k < 0) k = ms.length - 1; }
    else { k = upperBound(ms, state.selected, 0, ms.length); if (k >= ms.length) k = 0; }
    select(ms[k], { reveal: true, scrollOutput: true });
  });

  // --- start: a link (#event=N, #q=text) says what to show -------------------------------
  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.has("q")) { input.value = params.get("q"); search(input.value); }
    if (params.has("mode")) setMode(params.get("mode"));
    if (params.has("event")) select(Number(params.get("event")), { reveal: true, scrollOutput: true });
  }
  window.addEventListener("hashchange", fromHash);
  new ResizeObserver(() => redraw()).observe(plot);

  // For tests and the curious: where event i is drawn (client coordinates), and the state.
  window.wasmrrTimeline = {
    state, select, setMode, search,
    eventPoint(i) {
      const r = canvas.getBoundingClientRect(), f = functions[fnOf[i]];
      return { x: r.left + px(xOf(i)), y: r.top + TOP + f.lane * LANE_H + LANE_H / 2 };
    },
    zoomTo(v0, v1) { state.v0 = v0; state.v1 = v1; clampView(); draw(); },
  };

  draw();
  fromHash();
  draw();
  document.body.dataset.events = String(N);
  document.body.dataset.loadMs = String(Math.round(performance.now()));
  document.body.dataset.ready = "1";
})();
