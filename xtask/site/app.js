// The syscall table page: renders the data that `cargo xtask site` embedded (the #data
// script, generated from syscalls-sys's tables), keeps the view's state in the URL's hash
// (#q=memfd&abi=x86_64,aarch64&tab=errno&open=memfd_create), and records its own timings in
// window.sysnoTimings for the browser test.
"use strict";
(function () {
  const timings = { keystrokes: [], scriptStart: performance.now() };
  window.sysnoTimings = timings;
  const D = JSON.parse(document.getElementById("data").textContent);
  const ABIS = D.abis;
  const NAMES = ABIS.map((a) => a.name);
  // Every name an ABI goes by (as syscalls-sys's Abi::by_name takes them: ASCII case ignored,
  // `-` for `_`), so that #abi=amd64,arm64 works too.
  const spelling = (n) => n.trim().toLowerCase().replace(/-/g, "_");
  const INDEX = new Map();
  ABIS.forEach((a, i) => {
    for (const n of [a.name].concat(a.other_names)) if (!INDEX.has(spelling(n))) INDEX.set(spelling(n), i);
  });
  // [name, numbers[], signature indices[] or null, since: an index into D.since for every ABI
  // that has the syscall, or one index (or null) per ABI]
  const SYS = D.syscalls;
  const ERR = D.errnos; // [name, codes[], description indices[]]
  const $ = (id) => document.getElementById(id);
  const table = $("table");
  const q = $("q");

  const esc = (s) =>
    String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const hex = (n) => "0x" + n.toString(16);

  // ---- state, and the URL that carries it ----
  const state = { tab: "syscalls", q: "", cols: NAMES.map((_, i) => i), open: null };

  function readHash() {
    const p = new URLSearchParams(location.hash.replace(/^#/, ""));
    state.q = p.get("q") || "";
    state.tab = ["syscalls", "errno", "abis"].includes(p.get("tab")) ? p.get("tab") : "syscalls";
    state.open = p.get("open");
    const abi = p.get("abi");
    if (abi !== null) {
      const cols = [];
      for (const n of abi.split(",")) {
        const i = INDEX.get(spelling(n));
        if (i !== undefined && !cols.includes(i)) cols.push(i);
      }
      state.cols = cols;
    } else {
      state.cols = NAMES.map((_, i) => i);
    }
  }

  function writeHash() {
    const parts = [];
    if (state.q) parts.push("q=" + encodeURIComponent(state.q));
    const isDefault = state.cols.length === NAMES.length && state.cols.every((c, i) => c === i);
    if (!isDefault) parts.push("abi=" + state.cols.map((i) => NAMES[i]).join(","));
    if (state.tab !== "syscalls") parts.push("tab=" + state.tab);
    if (state.open) parts.push("open=" + encodeURIComponent(state.open));
    const hash = parts.length ? "#" + parts.join("&") : "";
    if (hash !== location.hash) history.replaceState(null, "", hash || location.pathname + location.search);
  }

  // ---- search ----
  // A number (decimal or 0x hex) matches rows that have it in a shown column; anything else
  // matches names containing it (a SYS_ or __NR_ prefix is ignored).
  function matcher(text) {
    let t = text.trim().toLowerCase();
    if (!t) return () => true;
    if (/^(0x[0-9a-f]+|[0-9]+)$/.test(t)) {
      const n = parseInt(t, t.startsWith("0x") ? 16 : 10);
      return (row) => state.cols.some((c) => row[1][c] === n);
    }
    t = t.replace(/^(sys_|__nr_)/, "");
    if (state.tab === "errno") return (row, i) => row[0].toLowerCase().includes(t) || errDesc(i).toLowerCase().includes(t);
    return (row) => row[0].includes(t);
  }

  function errDesc(i) {
    const d = ERR[i][2].find((x) => x !== null);
    return d === undefined ? "" : D.descs[d];
  }

  // ---- rendering ----
  // Fixed column widths (table-layout: fixed): the browser lays the table out from these
  // instead of measuring every cell, which keeps the first render and each search cheap.
  const NAME_CH = Math.max(...SYS.map((r) => r[0].length), ...ERR.map((r) => r[0].length)) + 2;
  document.documentElement.style.setProperty("--name-w", NAME_CH + "ch");
  function colgroup(extra) {
    let h = '<colgroup><col class="name">';
    if (extra) h += '<col class="desc">';
    for (const c of state.cols) h += '<col style="width:' + Math.max(11, NAMES[c].length + 2) + 'ch">';
    return h + "</colgroup>";
  }

  function header(extra) {
    let h = colgroup(extra) + "<thead><tr><th>name</th>";
    if (extra) h += "<th>" + extra + "</th>";
    for (const c of state.cols) h += "<th>" + esc(NAMES[c]) + '<span class="v">' + esc(ABIS[c].linux) + "</span></th>";
    return h + "</tr></thead>";
  }

  // The cells of one row: each number against the reference (the first shown column, or the
  // most common number when that column lacks it).
  function cells(values) {
    let ref = state.cols.length ? values[state.cols[0]] : null;
    if (ref === null) {
      const seen = new Map();
      let best = 0;
      for (const c of state.cols) {
        const v = values[c];
        if (v === null) continue;
        const k = (seen.get(v) || 0) + 1;
        seen.set(v, k);
        if (k > best) (best = k), (ref = v);
      }
    }
    let h = "";
    for (const c of state.cols) {
      const v = values[c];
      if (v === null) h += '<td class="m">–</td>';
      else if (v !== ref) h += '<td class="d">' + v + "</td>";
      else h += "<td>" + v + "</td>";
    }
    return h;
  }

  // The table is virtual: only the rows in view (and a margin) are in the DOM, between two
  // spacer rows, so that the first render and each search touch ~50 rows, not ~600 × 31 cells.
  let matches = []; // indices of the rows the search keeps, in table order
  let rowHeight = 0; // measured from the first rendered row
  let window0 = -1; // first row of the rendered window
  const MARGIN = 8;

  function render() {
    for (const b of document.querySelectorAll(".tabs button"))
      b.setAttribute("aria-selected", String(b.dataset.tab === state.tab));
    $("cols").hidden = state.tab === "abis";
    q.hidden = state.tab === "abis";
    table.className = state.tab;
    if (state.tab === "abis") return renderAbis();
    const errno = state.tab === "errno";
    table.innerHTML = header(errno ? "description" : "") + "<tbody></tbody>";
    $("legend").innerHTML = state.cols.length
      ? 'Highlighted: <span class="key d">numbered differently</span> from ' + esc(NAMES[state.cols[0]]) +
        ' (the first column) and <span class="key m">missing</span>. Click a row for details.'
      : "No columns shown: choose some under Columns.";
    $("cols-summary").textContent = "Columns (" + state.cols.length + "/" + NAMES.length + ")";
    filter();
    renderDetail();
  }

  function filter() {
    const data = state.tab === "errno" ? ERR : SYS;
    const match = matcher(state.q);
    matches = [];
    for (let i = 0; i < data.length; i++) if (match(data[i], i)) matches.push(i);
    $("count").textContent = matches.length + " of " + data.length + (state.tab === "errno" ? " errno names" : " syscalls");
    $("scroll").scrollTop = 0;
    window0 = -1;
    renderWindow();
  }

  function rowHtml(i) {
    const errno = state.tab === "errno";
    const row = (errno ? ERR : SYS)[i];
    let h = '<tr class="row' + (row[0] === state.open ? " open" : "") + '" data-i="' + i + '"><th tabindex="0">' + esc(row[0]) + "</th>";
    if (errno) h += '<td class="desc">' + esc(errDesc(i)) + "</td>";
    return h + cells(row[1]) + "</tr>";
  }

  function renderWindow() {
    if (state.tab === "abis") return;
    const scroll = $("scroll");
    const height = rowHeight || 24;
    const headHeight = table.tHead ? table.tHead.offsetHeight : 0;
    const first = Math.max(0, Math.floor((scroll.scrollTop - headHeight) / height) - MARGIN);
    if (first === window0) return;
    window0 = first;
    const count = Math.ceil(scroll.clientHeight / height) + 2 * MARGIN;
    const last = Math.min(matches.length, first + count);
    const span = state.cols.length + (state.tab === "errno" ? 2 : 1);
    let h = first ? '<tr class="pad" style="height:' + first * height + 'px"><td colspan="' + span + '"></td></tr>' : "";
    for (let k = first; k < last; k++) h += rowHtml(matches[k]);
    if (last < matches.length)
      h += '<tr class="pad" style="height:' + (matches.length - last) * height + 'px"><td colspan="' + span + '"></td></tr>';
    table.tBodies[0].innerHTML = h;
    if (!rowHeight) {
      const tr = table.tBodies[0].querySelector("tr.row");
      if (tr) {
        rowHeight = tr.getBoundingClientRect().height;
        if (Math.abs(rowHeight - height) > 0.5) {
          window0 = -1;
          renderWindow();
        }
      }
    }
  }

  let scrollPending = false;
  $("scroll").addEventListener("scroll", () => {
    if (scrollPending) return;
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      renderWindow();
    });
  });
  window.addEventListener("resize", () => {
    window0 = -1;
    renderWindow();
  });

  function renderAbis() {
    let h = "<thead><tr><th>ABI</th><th>Linux</th><th>syscalls</th><th>errno names</th><th>audit arches</th><th>also called</th><th>history</th></tr></thead><tbody>";
    for (const a of ABIS) {
      const audit = a.audit.length
        ? a.audit.map(([n, v]) => esc(n) + " = " + hex(v)).join("<br>")
        : "–";
      h += "<tr><th>" + esc(a.name) + "</th><td>" + esc(a.linux) + "</td><td>" + a.syscalls + "</td><td>" + a.errnos + "</td><td>" + audit + "</td><td>" + esc(a.other_names.join(", ")) + "</td><td>" + esc(a.history || "") + "</td></tr>";
    }
    table.innerHTML = h + "</tbody>";
    renderDetail();
    $("count").textContent = ABIS.length + " ABIs";
    $("legend").textContent = "Each ABI's tables come from the UAPI headers of the Linux version shown; audit arches are the values seccomp_data.arch carries; other names are the spellings of Debian, Go, libseccomp and LLVM/Rust targets (#abi= takes them too)." +
      (D.samples ? " History: the Linux versions sampled for “since” (Linux " + D.samples.join(", ") + ") that have the ABI." : "");
  }

  // ---- an opened row: every ABI's number and, when the data has them, the signatures ----
  function sigText(name, s) {
    const [entry, registers, args, implemented] = s;
    if (implemented === false) return esc(name) + ' <span class="abis">reserved number, not implemented (ENOSYS)</span>';
    const list = args.length ? args.map(([n, t]) => (t.endsWith("*") ? t + n : t + " " + n)).join(", ") : "void";
    let text = esc(name) + "(" + esc(list) + ")";
    text += ' <span class="abis">' + esc(entry) + ", " + registers + " register" + (registers === 1 ? "" : "s");
    return text + "</span>";
  }

  function detailHtml(i) {
    const errno = state.tab === "errno";
    const row = (errno ? ERR : SYS)[i];
    let h = "<h2>" + esc(row[0]) + "</h2>";
    if (errno) {
      const descs = new Map();
      row[2].forEach((d, c) => {
        if (d !== null) descs.set(d, (descs.get(d) || []).concat(NAMES[c]));
      });
      for (const [d, abis] of descs)
        h += '<p class="sig">' + esc(D.descs[d]) + (descs.size > 1 ? ' <span class="abis">(' + abis.join(", ") + ")</span>" : "") + "</p>";
    } else if (D.sigs) {
      const groups = new Map();
      (row[2] || []).forEach((s, c) => {
        if (s !== null) groups.set(s, (groups.get(s) || []).concat(NAMES[c]));
      });
      if (!groups.size) h += '<p class="note">No signature for this syscall in the tables.</p>';
      for (const [s, abis] of groups)
        h += '<p class="sig">' + sigText(row[0], D.sigs[s]) + (groups.size > 1 ? ' <span class="abis">on ' + abis.join(", ") + "</span>" : "") + "</p>";
    } else {
      h += '<p class="note">Signatures are not in these tables (syscalls-sys without the <code>signatures</code> feature).</p>';
    }
    h += '<div class="grid">';
    row[1].forEach((v, c) => {
      const since = errno ? null : sinceOf(row, c);
      const gone = errno || !D.removed || !D.removed[row[0]] ? null : D.removed[row[0]][c];
      const note = gone ? '<span class="since">' + esc(gone) + "</span>" : since ? '<span class="since">since ' + esc(since) + "</span>" : "";
      h += v === null
        ? '<span class="m" data-abi="' + esc(NAMES[c]) + '">' + esc(NAMES[c]) + " –" + note + "</span>"
        : '<span data-abi="' + esc(NAMES[c]) + '">' + esc(NAMES[c]) + " " + v + " (" + hex(v) + ")" + note + "</span>";
    });
    h += "</div>";
    if (!errno && D.samples)
      h += '<p class="note">Since: the man pages\' version where it falls between the sampled kernels (Linux ' + esc(D.samples.join(", ")) +
        '), else the interval between the last sample without the syscall and the first with it; “<=” means present in the ABI\'s oldest sample (“generic”: the man pages\' version, the first architecture\'s).</p>';
    return h;
  }

  // Since when ABI `c` has the syscall of `row` (Abi::introduced, as text), or null.
  function sinceOf(row, c) {
    const s = row[3];
    if (s === undefined || !D.since) return null;
    const i = typeof s === "number" ? (row[1][c] === null ? null : s) : s[c];
    return i === null ? null : D.since[i];
  }

  // The opened row's details live in a panel below the table (the table itself is virtual).
  function renderDetail() {
    const panel = $("detail");
    const data = state.tab === "errno" ? ERR : state.tab === "syscalls" ? SYS : null;
    const i = data && state.open !== null ? data.findIndex((r) => r[0] === state.open) : -1;
    if (i < 0) {
      if (data) state.open = null; // no such row here
      panel.hidden = true;
      panel.innerHTML = "";
      return;
    }
    panel.innerHTML = '<button type="button" class="close" aria-label="close the details">×</button>' + detailHtml(i);
    panel.hidden = false;
  }

  function openRow(i) {
    const name = (state.tab === "errno" ? ERR : SYS)[i][0];
    state.open = state.open === name ? null : name;
    for (const tr of table.tBodies[0].rows) tr.classList.toggle("open", tr.dataset.i === String(i) && state.open !== null);
    renderDetail();
  }

  // ---- the column chooser ----
  function renderCols() {
    const order = state.cols.concat(NAMES.map((_, i) => i).filter((i) => !state.cols.includes(i)));
    let h = "";
    for (const c of order) {
      const on = state.cols.includes(c);
      h += '<li data-c="' + c + '"><input type="checkbox" id="col-' + c + '"' + (on ? " checked" : "") + '>' +
        '<label for="col-' + c + '">' + esc(NAMES[c]) + "</label>" +
        '<button type="button" data-move="-1" aria-label="move ' + esc(NAMES[c]) + ' left"' + (on ? "" : " disabled") + ">↑</button>" +
        '<button type="button" data-move="1" aria-label="move ' + esc(NAMES[c]) + ' right"' + (on ? "" : " disabled") + ">↓</button></li>";
    }
    $("cols-list").innerHTML = h;
  }

  function setCols(cols) {
    state.cols = cols;
    renderCols();
    render();
    writeHash();
  }

  $("cols-list").addEventListener("change", (e) => {
    const c = Number(e.target.closest("li").dataset.c);
    setCols(e.target.checked ? state.cols.concat(c) : state.cols.filter((x) => x !== c));
  });
  $("cols-list").addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (!b) return;
    const c = Number(b.closest("li").dataset.c);
    const cols = state.cols.slice();
    const at = cols.indexOf(c);
    const to = at + Number(b.dataset.move);
    if (at < 0 || to < 0 || to >= cols.length) return;
    [cols[at], cols[to]] = [cols[to], cols[at]];
    setCols(cols);
  });
  $("cols-all").addEventListener("click", () => setCols(state.cols.concat(NAMES.map((_, i) => i).filter((i) => !state.cols.includes(i)))));
  $("cols-none").addEventListener("click", () => setCols([]));
  $("cols-reset").addEventListener("click", () => setCols(NAMES.map((_, i) => i)));

  // ---- events ----
  let hashTimer = 0;
  q.addEventListener("input", (e) => {
    const start = e.timeStamp;
    const queued = performance.now() - start;
    state.q = q.value;
    filter();
    const filtered = performance.now() - start;
    // The URL follows once typing pauses: history.replaceState is slow, and rate-limited.
    clearTimeout(hashTimer);
    hashTimer = setTimeout(writeHash, 150);
    void document.body.offsetHeight; // include the layout the change causes
    const handled = performance.now() - start;
    requestAnimationFrame(() =>
      setTimeout(() => timings.keystrokes.push({ queued, filtered, handled, painted: performance.now() - start }), 0));
  });
  table.addEventListener("click", (e) => {
    const tr = e.target.closest("tr.row");
    if (!tr) return;
    openRow(Number(tr.dataset.i));
    writeHash();
  });
  // Keyboard: Tab to a row's name, Enter or Space opens (or closes) it.
  table.addEventListener("keydown", (e) => {
    const tr = e.target.closest("tr.row");
    if (!tr || (e.key !== "Enter" && e.key !== " ")) return;
    e.preventDefault();
    openRow(Number(tr.dataset.i));
    writeHash();
  });
  $("detail").addEventListener("click", (e) => {
    if (!e.target.closest("button.close")) return;
    state.open = null;
    for (const tr of table.tBodies[0].rows) tr.classList.remove("open");
    renderDetail();
    writeHash();
  });
  for (const b of document.querySelectorAll(".tabs button"))
    b.addEventListener("click", () => {
      state.tab = b.dataset.tab;
      state.open = null;
      render();
      writeHash();
    });
  window.addEventListener("hashchange", () => {
    readHash();
    q.value = state.q;
    renderCols();
    render();
  });

  // ---- first render ----
  readHash();
  q.value = state.q;
  const versions = Array.from(new Set(ABIS.map((a) => a.linux))).join(", ");
  $("sub").textContent = SYS.length + " syscall names and " + ERR.length + " errno names on " + ABIS.length +
    " ABIs, from the UAPI headers of Linux " + versions + ".";
  $("footer").textContent = D.generator;
  renderCols();
  timings.parsed = performance.now();
  render();
  timings.built = performance.now();
  void document.body.offsetHeight;
  timings.rendered = performance.now();
  requestAnimationFrame(() => setTimeout(() => (timings.painted = performance.now()), 0));
})();
