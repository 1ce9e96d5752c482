// Grid dashboard: polls api/cluster and draws the cluster at a glance. No external resources; charts are plain canvas.
(function () {
  "use strict";
  const refreshMs = Math.max(250, parseInt(document.body.dataset.refreshMs, 10) || 2000);
  const maxLivePoints = 300;
  let live = [];          // samples taken by this page between polls: {t, ops, hitRatio}
  let previous = null;    // the previous poll's cumulative totals

  const $ = (id) => document.getElementById(id);
  const fmtInt = (n) => Math.round(n).toLocaleString("en-US");
  const fmtPct = (r) => (r * 100).toFixed(1) + " %";
  const fmtMs = (ms) => ms >= 100 ? ms.toFixed(0) + " ms" : ms >= 1 ? ms.toFixed(2) + " ms" : (ms * 1000).toFixed(0) + " µs";
  function fmtBytes(b) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
    return (i === 0 ? b.toFixed(0) : b.toFixed(1)) + " " + units[i];
  }
  function barClass(ratio) { return ratio > 0.95 ? "bad" : ratio > 0.85 ? "warn" : ""; }
  function cell(text, cls) { const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; }
  function barCell(ratio, label, warnings) {
    const td = document.createElement("td");
    const bar = document.createElement("div"); bar.className = "bar";
    const fill = document.createElement("div"); fill.style.width = Math.min(100, ratio * 100).toFixed(1) + "%";
    const cls = warnings ? barClass(ratio) : ""; if (cls) fill.className = cls;
    bar.appendChild(fill); td.appendChild(bar); td.appendChild(document.createTextNode(label));
    return td;
  }

  function render(data) {
    const t = data.totals;
    $("silos").textContent = fmtInt(t.silos);
    $("partitions").textContent = fmtInt(t.partitions);
    $("entries").textContent = fmtInt(t.entries);
    $("memory").textContent = fmtBytes(t.bytes) + " / " + fmtBytes(t.budgetBytes);
    const memRatio = t.budgetBytes > 0 ? t.bytes / t.budgetBytes : 0;
    $("memory-bar").style.width = Math.min(100, memRatio * 100).toFixed(1) + "%";
    $("memory-bar").className = barClass(memRatio);
    const lastMinute = data.recent.slice(-6);
    const minuteHits = lastMinute.reduce((s, p) => s + p.hits, 0), minuteMisses = lastMinute.reduce((s, p) => s + p.misses, 0);
    $("hit-ratio").textContent = minuteHits + minuteMisses > 0 ? fmtPct(minuteHits / (minuteHits + minuteMisses)) : "–";
    $("ops").textContent = fmtInt(t.operationsPerSecond);
    $("p99").textContent = t.p99LatencyMs > 0 ? fmtMs(t.p99LatencyMs) : "–";

    renderLevels(data);
    renderRebalance(data);
    renderHotKeys(data);

    const maxPartitions = Math.max(1, ...data.silos.map((s) => s.partitions));
    const body = document.querySelector("#silo-table tbody");
    body.replaceChildren();
    for (const s of data.silos) {
      const tr = document.createElement("tr");
      const name = cell(s.name ? s.name + "  " : "");
      const addr = document.createElement("span"); addr.className = "muted"; addr.textContent = s.address + (s.local ? " (this silo)" : "");
      name.appendChild(addr);
      tr.appendChild(name);
      if (s.error) {
        const td = cell("no answer: " + s.error, "error-text"); td.colSpan = 7; tr.appendChild(td);
      } else {
        tr.appendChild(barCell(s.partitions / maxPartitions, fmtInt(s.partitions)));
        tr.appendChild(cell(fmtInt(s.entries), "num"));
        tr.appendChild(barCell(s.budgetBytes > 0 ? s.bytes / s.budgetBytes : 0, fmtBytes(s.bytes) + " / " + fmtBytes(s.budgetBytes), true));
        tr.appendChild(cell(s.hits + s.misses > 0 ? fmtPct(s.hits / (s.hits + s.misses)) : "–", "num"));
        tr.appendChild(cell(fmtInt(s.operations), "num"));
        tr.appendChild(cell(fmtInt(s.replicaPartitions) + " · " + fmtBytes(s.replicaBytes), "num"));
        tr.appendChild(cell(fmtInt(s.tagKeys) + " keys · " + fmtBytes(s.tagBytes), "num"));
      }
      body.appendChild(tr);
    }

    const tags = data.tags;
    $("tag-summary").textContent = fmtInt(tags.tags) + " tags, " + fmtInt(tags.keys) + " indexed keys, " + fmtBytes(tags.bytes) + " in " + fmtInt(tags.shards) + " shards";
    const tagBody = document.querySelector("#tag-table tbody");
    tagBody.replaceChildren();
    for (const tag of tags.largest) {
      const tr = document.createElement("tr");
      tr.appendChild(cell(tag.tag)); tr.appendChild(cell(fmtInt(tag.keys), "num"));
      tagBody.appendChild(tr);
    }
    if (tags.largest.length === 0) { const tr = document.createElement("tr"); const td = cell("no tags", "muted"); td.colSpan = 2; tr.appendChild(td); tagBody.appendChild(tr); }

    const hourBody = document.querySelector("#hour-table tbody");
    hourBody.replaceChildren();
    for (const h of data.hourly.slice().reverse()) {
      const tr = document.createElement("tr");
      tr.appendChild(cell(new Date(h.startUnixMs).toISOString().slice(0, 13).replace("T", " ") + ":00"));
      tr.appendChild(cell(fmtInt(h.operations), "num"));
      tr.appendChild(cell(fmtInt(h.operationsPerSecond), "num"));
      tr.appendChild(cell(h.hits + h.misses > 0 ? fmtPct(h.hitRatio) : "–", "num"));
      tr.appendChild(cell(h.averageLatencyMs > 0 ? fmtMs(h.averageLatencyMs) : "–", "num"));
      tr.appendChild(cell(h.p99LatencyMs > 0 ? fmtMs(h.p99LatencyMs) : "–", "num"));
      hourBody.appendChild(tr);
    }
  }

  function fmtRate(r) { return r < 10 ? r.toFixed(1) : fmtInt(r); }

  // The cluster's hottest keys (as the silos count the operations that reach them; near-cache hits never do).
  function renderHotKeys(data) {
    const body = document.querySelector("#hot-key-table tbody");
    body.replaceChildren();
    for (const k of data.hotKeys || []) {
      const tr = document.createElement("tr");
      tr.appendChild(cell(k.key)); tr.appendChild(cell(fmtRate(k.readsPerSecond), "num"));
      tr.appendChild(cell(fmtRate(k.writesPerSecond), "num")); tr.appendChild(cell(k.silo, "muted"));
      body.appendChild(tr);
    }
    if (!data.hotKeys || data.hotKeys.length === 0) { const tr = document.createElement("tr"); const td = cell("no hot keys (Grid:HotKeys:Enabled false, or no traffic)", "muted"); td.colSpan = 4; tr.appendChild(td); body.appendChild(tr); }
  }

  // Hit ratio per level, outermost first: edge and output caches and near caches as the clients report them, then
  // the grid as the silos count it. Levels nobody uses are not listed.
  function fmtSeconds(s) {
    if (s === null || s === undefined) return "–";
    s = Math.ceil(s);
    if (s >= 3600) return Math.floor(s / 3600) + " h " + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + " min";
    if (s >= 60) return Math.floor(s / 60) + " min " + String(s % 60).padStart(2, "0") + " s";
    return s + " s";
  }

  // The partition moves that follow a silo joining or leaving: a progress bar, rate, time left, paused state, per silo.
  function renderRebalance(data) {
    const r = data.rebalance;
    if (!r) { $("rebalance-state").textContent = "rebalance status unavailable"; return; }
    const t = r.total, st = r.settings;
    const pending = Math.max(0, t.partitionsToMove - t.partitionsMoved);
    const percent = t.partitionsToMove > 0 ? Math.min(100, 100 * t.partitionsMoved / t.partitionsToMove) : 100;
    $("rebalance-settings").textContent = (st.paused ? "paused" : "running") + " · " + st.maxConcurrentMoves + " concurrent moves per silo · " +
      (st.bytesPerSecond > 0 ? fmtBytes(st.bytesPerSecond) + "/s per silo" : "no byte limit") + " · settings v" + st.version;
    $("rebalance-state").textContent = pending > 0
      ? (st.paused ? "Paused: " + fmtInt(pending) + " partitions wait where they are (every key is still served)" : "Moving: " + fmtInt(pending) + " partitions to go")
      : (t.startedAtUnixMs > 0 ? "Done: every partition is on its owner" : "Idle: nothing moved since the silos started") + (st.paused ? " (paused)" : "");
    $("rebalance-bar").style.width = percent.toFixed(1) + "%";
    $("rebalance-bar").className = st.paused && pending > 0 ? "paused" : "";
    $("rebalance-progress").textContent = percent.toFixed(1) + " % · " + fmtInt(t.partitionsMoved) + " / " + fmtInt(t.partitionsToMove) + " partitions · " +
      fmtBytes(t.bytesMoved) + " / " + fmtBytes(t.bytesToMove);
    $("rebalance-rate").textContent = fmtBytes(t.bytesPerSecond) + "/s · " + t.partitionsPerSecond.toFixed(1) + " partitions/s";
    $("rebalance-eta").textContent = "time left: " + (pending > 0 ? fmtSeconds(t.estimatedSecondsLeft) : "0 s");
    const body = document.querySelector("#rebalance-table tbody");
    body.replaceChildren();
    for (const s of r.silos) {
      const tr = document.createElement("tr");
      tr.appendChild(cell(s.silo));
      if (s.error) {
        const td = cell("no answer: " + s.error, "error-text"); td.colSpan = 6; tr.appendChild(td);
      } else {
        const ratio = s.partitionsToMove > 0 ? s.partitionsMoved / s.partitionsToMove : 1;
        tr.appendChild(barCell(ratio, fmtInt(s.partitionsMoved) + " / " + fmtInt(s.partitionsToMove)));
        tr.appendChild(cell(fmtBytes(s.bytesMoved) + " / " + fmtBytes(s.bytesToMove), "num"));
        tr.appendChild(cell(fmtInt(s.inFlight), "num"));
        tr.appendChild(cell(fmtBytes(s.bytesPerSecond) + "/s", "num"));
        tr.appendChild(cell(s.partitionsToMove > s.partitionsMoved ? fmtSeconds(s.estimatedSecondsLeft) : "0 s", "num"));
        tr.appendChild(cell(fmtInt(s.totalPartitionsMoved) + " · " + fmtBytes(s.totalBytesMoved), "num"));
      }
      body.appendChild(tr);
    }
  }

  function renderLevels(data) {
    const body = document.querySelector("#level-table tbody");
    body.replaceChildren();
    for (const l of data.levels) {
      const tr = document.createElement("tr");
      tr.dataset.level = l.level;
      tr.appendChild(cell(l.label));
      const lookups = l.hits + l.misses;
      tr.appendChild(lookups > 0 ? barCell(l.hitRatio, fmtPct(l.hitRatio)) : cell("–", "num"));
      tr.appendChild(cell(fmtInt(l.hits), "num"));
      tr.appendChild(cell(fmtInt(l.misses), "num"));
      body.appendChild(tr);
    }
    $("level-note").textContent = data.reportingClients > 0
      ? data.reportingClients + " client(s) reporting their near cache, edge or output cache (every 5 s); the grid's figures are the silos' own."
      : "No client reports a near cache, edge or output cache yet; the grid's figures are the silos' own.";
  }

  // The "over time" series: the silos' completed 10-second buckets from before this page opened, then the page's own
  // samples (one per poll, from the change of the cluster's counters).
  function series(data) {
    const points = [];
    const firstLive = live.length ? live[0].t : Infinity;
    for (const p of data.recent) {
      const end = p.startUnixMs + p.durationMs;
      if (p.durationMs < 10000 || end > firstLive) continue;
      points.push({ t: end, ops: p.operationsPerSecond, hitRatio: p.hits + p.misses > 0 ? p.hitRatio : null });
    }
    return points.concat(live);
  }

  function sample(data) {
    const t = data.totals;
    const now = { t: data.capturedAtUnixMs, operations: t.operations, hits: t.hits, misses: t.misses };
    if (previous && now.t > previous.t) {
      const dOps = now.operations - previous.operations, dHits = now.hits - previous.hits, dMiss = now.misses - previous.misses;
      // A silo that left takes its counters with it: skip that interval rather than draw a negative rate.
      if (dOps >= 0 && dHits >= 0 && dMiss >= 0) {
        live.push({ t: now.t, ops: dOps * 1000 / (now.t - previous.t), hitRatio: dHits + dMiss > 0 ? dHits / (dHits + dMiss) : null });
        if (live.length > maxLivePoints) live = live.slice(-maxLivePoints);
      }
    }
    previous = now;
  }

  function drawChart(canvas, points, key, opts) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth || canvas.width, h = canvas.clientHeight || canvas.height;
    canvas.width = w * dpr; canvas.height = h * dpr;
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    const left = 56, right = 12, top = 10, bottom = 24;
    const pts = points.filter((p) => p[key] !== null && p[key] !== undefined);
    const now = Date.now();
    const t0 = pts.length ? Math.min(pts[0].t, now - 60000) : now - 60000, t1 = pts.length ? Math.max(pts[pts.length - 1].t, t0 + 1000) : now;
    let max = opts.max !== undefined ? opts.max : Math.max(1, ...pts.map((p) => p[key]));
    if (opts.max === undefined) { const mag = Math.pow(10, Math.floor(Math.log10(max))); max = Math.ceil(max / mag * 1.1) * mag; }
    const x = (t) => left + (t - t0) / (t1 - t0) * (w - left - right);
    const y = (v) => top + (1 - v / max) * (h - top - bottom);
    g.font = "11px system-ui, sans-serif"; g.fillStyle = "#94a3b8"; g.strokeStyle = "#23314f"; g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = max * i / 4, yy = Math.round(y(v)) + 0.5;
      g.beginPath(); g.moveTo(left, yy); g.lineTo(w - right, yy); g.stroke();
      g.textAlign = "right"; g.textBaseline = "middle"; g.fillText(opts.format(v), left - 6, yy);
    }
    g.textAlign = "center"; g.textBaseline = "top";
    for (let i = 0; i <= 4; i++) {
      const t = t0 + (t1 - t0) * i / 4;
      g.fillText(new Date(t).toTimeString().slice(0, 8), Math.min(Math.max(x(t), left + 24), w - right - 24), h - bottom + 6);
    }
    if (pts.length === 0) { g.textAlign = "center"; g.textBaseline = "middle"; g.fillText("waiting for data…", (left + w - right) / 2, (top + h - bottom) / 2); return 0; }
    g.beginPath();
    pts.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(p[key])) : g.lineTo(x(p.t), y(p[key]))));
    g.strokeStyle = opts.color; g.lineWidth = 2; g.stroke();
    g.lineTo(x(pts[pts.length - 1].t), y(0)); g.lineTo(x(pts[0].t), y(0)); g.closePath();
    g.fillStyle = opts.fill; g.fill();
    g.fillStyle = opts.color;
    for (const p of pts) { g.beginPath(); g.arc(x(p.t), y(p[key]), 2.5, 0, Math.PI * 2); g.fill(); }
    return pts.length;
  }

  function drawCharts(data) {
    const points = series(data);
    window.gridDashboardSeries = points;   // what the charts show, for tests and the curious
    const n = drawChart($("chart-ops"), points, "ops", { color: "#38bdf8", fill: "rgba(56,189,248,0.15)", format: (v) => v >= 1000 ? (v / 1000).toFixed(v >= 10000 ? 0 : 1) + "k" : v >= 10 ? v.toFixed(0) : v.toFixed(1) });
    const hits = drawChart($("chart-hits"), points, "hitRatio", { max: 1, color: "#34d399", fill: "rgba(52,211,153,0.15)", format: (v) => (v * 100).toFixed(0) + " %" });
    document.body.dataset.hitPoints = String(hits);
    return n;
  }

  async function poll() {
    try {
      const response = await fetch("api/cluster", { cache: "no-store" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      sample(data);
      render(data);
      const points = drawCharts(data);
      document.body.dataset.points = String(points);
      if (data.totals.silos > 0) document.body.dataset.state = "live";
      const status = $("status");
      status.className = "status live";
      status.textContent = "live · " + data.totals.silos + " silo(s) · updated " + new Date(data.capturedAtUnixMs).toTimeString().slice(0, 8);
    } catch (e) {
      const status = $("status");
      status.className = "status error";
      status.textContent = "no data: " + e.message;
      if (document.body.dataset.state !== "live") document.body.dataset.state = "error";
    } finally {
      setTimeout(poll, refreshMs);
    }
  }

  poll();
})();
