// The configurator page: an environment's models at a glance, a form for people that becomes
// a reviewed change (or a direct apply), its field changes and cost before submitting, the
// audit history, the cost over time, the jobs, and a panel to try a live model. Plain DOM, no
// build step, no inline code (the page's Content-Security-Policy allows only these files).
// Values from the server are always shown with textContent, never parsed as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const ROLES = ["viewer", "invoker", "editor", "admin"];
const VIEWS = ["overview", "model", "history", "cost", "jobs", "try"];
const USD = new Intl.NumberFormat("en-US", {style: "currency", currency: "USD"});
const NUMBER = new Intl.NumberFormat("en-US");
const KEY_VARS = {openai: "${OPENAI_API_KEY}", azure: "${AZURE_OPENAI_API_KEY}",
  anthropic: "${ANTHROPIC_API_KEY}", bedrock: "${AWS_BEDROCK_API_KEY}"};
// The key reference a new model of ``provider`` starts from: the one this environment's models
// already use (the service accepts only the references policy.serveSecrets allows, by default
// exactly those), else the provider's usual variable name.
function keyVar(provider) {
  return (state.keyRefs || {})[provider] || KEY_VARS[provider] || "";
}

const BLANK = {
  apiVersion: "reconciler/v1", kind: "ModelEndpoint", metadata: {name: ""},
  spec: {provider: "openai", modelId: "gpt-4o-mini", credentials: {apiKey: KEY_VARS.openai},
    configuration: {temperature: 0.2, maxTokens: 500},
    promptTemplate: "Answer the customer's message between the markers.\n<message>{input}</message>",
    responseSchema: {type: "object", properties: {answer: {type: "string"}}, required: ["answer"]},
    usage: {requestsPerDay: 1000, avgPromptTokens: 400, avgCompletionTokens: 100}},
};
// Form fields: element id -> where the value lives in the manifest, and its kind.
const FIELDS = {
  "f-name": {path: "metadata.name", kind: "text"},
  "f-description": {path: "spec.description", kind: "raw"},
  "f-provider": {path: "spec.provider", kind: "text"},
  "f-modelId": {path: "spec.modelId", kind: "text"},
  "f-promptTemplate": {path: "spec.promptTemplate", kind: "raw"},
  "f-temperature": {path: "spec.configuration.temperature", kind: "number"},
  "f-maxTokens": {path: "spec.configuration.maxTokens", kind: "number"},
  "f-responseSchema": {path: "spec.responseSchema", kind: "json"},
  "f-apiKey": {path: "spec.credentials.apiKey", kind: "text"},
  "f-endpoint": {path: "spec.credentials.endpoint", kind: "text"},
  "f-region": {path: "spec.credentials.region", kind: "text"},
  "f-requestsPerDay": {path: "spec.usage.requestsPerDay", kind: "number"},
  "f-avgPromptTokens": {path: "spec.usage.avgPromptTokens", kind: "number"},
  "f-avgCompletionTokens": {path: "spec.usage.avgCompletionTokens", kind: "number"},
  "f-topP": {path: "spec.configuration.topP", kind: "number"},
  "f-healthInput": {path: "spec.healthCheck.input", kind: "text"},
  "f-inputPrice": {path: "spec.pricing.inputUsdPer1M", kind: "number"},
  "f-outputPrice": {path: "spec.pricing.outputUsdPer1M", kind: "number"},
  "f-guardMode": {path: "spec.guard.mode", kind: "text"},
  "f-maxInputChars": {path: "spec.guard.maxInputChars", kind: "number"},
};
const BY_PATH = Object.fromEntries(Object.entries(FIELDS).map(([id, f]) => [f.path, id]));

const state = {me: null, envs: [], models: [], catalogue: {}, editing: null, base: null,
  sequence: 0, timer: null, preview: null, historyNext: null, shown: null};

// ---- small helpers ---------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

function money(value) {
  if (value === null || value === undefined || value === "") return "not priced";
  return USD.format(Number(value));
}

function perMillion(value) {
  return "$" + Number(value).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 4});
}

function signed(value) {
  const n = Number(value);
  return (n > 0 ? "+" : n < 0 ? "−" : "±") + USD.format(Math.abs(n));
}

function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return isNaN(date) ? iso : date.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

function short(commit) { return commit ? commit.slice(0, 8) : ""; }

function token() { return $("token").value.trim(); }

function env() { return $("env").value; }

async function call(method, path, body) {
  const headers = {"Authorization": "Bearer " + token()};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {method, headers,
      body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    return {status: 0, data: {error: {message: "the service cannot be reached"}}};
  }
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  return {status: response.status, data};
}

function say(text, kind = "") {
  $("status").textContent = text;
  $("status").className = kind;
}

function errorText(answer) {
  const error = answer.data && answer.data.error;
  if (answer.status === 401) return "The token was not accepted: check it and sign in again.";
  if (answer.status === 403) return error ? error.message : "Your role cannot do this.";
  return error ? error.message : `The service answered ${answer.status}.`;
}

function can(role) {
  return state.me !== null && ROLES.indexOf(state.me.role) >= ROLES.indexOf(role);
}

// Each cell learns its column's name, shown before it when a phone stacks the rows as cards.
function labelCells(tableId) {
  const table = $(tableId);
  const names = [...table.tHead.rows[0].cells].map((c) => c.textContent.trim());
  for (const row of table.tBodies[0].rows) {
    [...row.cells].forEach((cell, i) => {
      if (cell.tagName === "TD" && names[i] && !cell.hasAttribute("colspan")) cell.dataset.label = names[i];
    });
  }
}

function getPath(target, path) {
  return path.split(".").reduce((node, key) => (node && typeof node === "object" ? node[key] : undefined), target);
}

function setPath(target, path, value) {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
    node = node[part];
  }
  if (value === undefined) delete node[parts[parts.length - 1]];
  else node[parts[parts.length - 1]] = value;
}

function prune(node) {
  // Empty groups the form left behind ({} for configuration without values) are dropped.
  for (const [key, value] of Object.entries(node)) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      prune(value);
      if (Object.keys(value).length === 0 && key !== "responseSchema") delete node[key];
    }
  }
  return node;
}

// ---- views -------------------------------------------------------------------------------

function show(view) {
  if (!VIEWS.includes(view)) view = "overview";
  for (const name of VIEWS) {
    $("view-" + name).hidden = name !== view;
    const link = $("nav-" + name);
    if (name === view) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  }
  if (!state.me) return;
  if (view === "overview") loadOverview();
  if (view === "history") loadHistory(false);
  if (view === "cost") loadCost();
  if (view === "jobs") loadJobs();
  if (view === "try") loadTry();
  if (view === "model" && state.editing === null) openBlank();
}

function route() { show((location.hash || "#overview").slice(1)); }

function go(view) {
  if (location.hash === "#" + view) route(); else location.hash = view;
}

// ---- sign in and identity ----------------------------------------------------------------

async function signIn() {
  sessionStorage.setItem("reconcile-token", token());
  const me = await call("GET", "/api/me");
  if (me.status !== 200) {
    state.me = null;
    $("whoami").textContent = "not signed in";
    say(errorText(me), "bad");
    return;
  }
  state.me = me.data;
  $("whoami").textContent = `Signed in as ${me.data.name} (${me.data.role})`;
  applyRole();
  const answer = await call("GET", "/api/environments");
  if (answer.status !== 200) { say(errorText(answer), "bad"); return; }
  state.envs = answer.data.environments;
  const select = $("env");
  const chosen = select.value || sessionStorage.getItem("reconcile-env");
  select.replaceChildren(...state.envs.map((e) =>
    el("option", {value: e.name}, `${e.name} (${e.region || "no region"})`)));
  if (chosen && state.envs.some((e) => e.name === chosen)) select.value = chosen;
  say(`${state.envs.length} environment(s)`, "good");
  route();
}

function disable(id, reasonId, allowed, reason) {
  $(id).disabled = !allowed;
  if (reasonId) $(reasonId).textContent = allowed ? "" : reason;
}

function applyRole() {
  const role = state.me ? state.me.role : "none";
  disable("new-model", "new-model-reason", can("editor"),
    `Your role (${role}) can look at models but not change them; ask for the editor role.`);
  disable("submit", "submit-reason", can("editor"),
    `Your role (${role}) cannot submit changes; an editor or admin can.`);
  disable("apply", "apply-reason", can("admin"),
    `Applying directly needs the admin role (yours: ${role}); submit the change for review instead.`);
  disable("invoke", "invoke-reason", can("invoker"),
    `Trying models needs the invoker role or higher (yours: ${role}).`);
}

// ---- overview -----------------------------------------------------------------------------

// Each part shows as soon as its answer comes: the cost and the sync status come from git
// and the service, and must not wait for (or fail with) a Gateway that does not answer.
async function loadOverview() {
  const name = env();
  if (!name) return;
  const base = `/api/environments/${encodeURIComponent(name)}`;
  const fresh = () => name === env();
  const parts = [
    call("GET", base + "/sync").then((sync) => fresh() && ($("sync-status").textContent =
      sync.status === 200 ? syncSummary(sync.data) : "The sync agent's status cannot be read.")),
    call("GET", base + "/cost").then((cost) => fresh() && showBudget(cost.status === 200 ? cost.data : null)),
    call("GET", base + "/plan").then((plan) => fresh() && ($("plan-summary").textContent =
      plan.status === 200 ? planSummary(plan.data)
      : plan.status === 503 ? "The plan cannot be made: it needs the Gateway, which could not be reached."
      : `The plan cannot be made: ${errorText(plan)}`)),
    Promise.all([call("GET", base + "/models"), call("GET", base + "/drift")])
      .then(([models, drift]) => fresh() && showModels(models, drift)),
  ];
  await Promise.all(parts);
}

function showModels(models, drift) {
  const body = $("models-table").tBodies[0];
  if (models.status !== 200) {
    const why = models.status === 503 ? `The Gateway could not be reached: ${errorText(models)}`
      : `The models cannot be listed: ${errorText(models)}`;
    body.replaceChildren(el("tr", {}, el("td", {colspan: "8", class: "bad", id: "models-error"}, why)));
    $("unmanaged").replaceChildren(el("li", {class: "quiet"},
      models.status === 503 ? "unknown while the Gateway cannot be reached" : "unknown"));
    return;
  }
  state.models = models.data.models;
  state.keyRefs = models.data.keyRefs || {};
  const kinds = {};
  if (drift.status === 200) {
    for (const kind of ["pending", "drifted", "missing", "unhealthy", "inSync"]) {
      for (const item of drift.data[kind] || []) kinds[item.name] = kind;
    }
  }
  const rows = state.models.map((m) => modelRow(m, kinds[m.name]));
  body.replaceChildren(...(rows.length ? rows
    : [el("tr", {}, el("td", {colspan: "8", class: "quiet"}, "No models yet."))]));
  labelCells("models-table");
  const unmanaged = models.data.unmanaged || [];
  $("unmanaged").replaceChildren(...(unmanaged.length
    ? unmanaged.map((u) => el("li", {}, `${u.name}: ${u.state || "unknown"}, version ${u.version ?? "?"}`))
    : [el("li", {class: "quiet"}, "none")]));
}

// What the environment's sync agent (reconcile serve --sync) last did, in words.
function syncSummary(doc) {
  if (!doc.agent) return "This service does not run a sync agent for this environment.";
  const policy = doc.policy || {};
  const mode = policy.suspended ? "suspended: it only reports"
    : policy.auto ? (policy.selfHeal ? "applies git and heals drift" : "applies git; drift is reported")
    : "reports only (policy.sync.auto is off)";
  const last = doc.lastRound;
  if (!last) return `A sync agent runs every ${doc.interval} s and ${mode}; no round has finished yet.`;
  const when = new Date(last.started * 1000).toISOString().slice(0, 16).replace("T", " ");
  const words = {"in-sync": "in sync", "out-of-sync": "changes pending that the policy leaves alone",
    blocked: "blocked by policy", applied: "applied", incomplete: "applied, not all of it",
    failed: "failed", stopped: "stopped"}[last.outcome] || last.outcome;
  const outcome = last.error ? `${words}: ${last.error}` : words;
  return `A sync agent runs every ${doc.interval} s and ${mode}. Last round ${when} UTC: ` +
    `${outcome}${last.inSync && last.outcome !== "in-sync" ? ", now in sync" : ""}` +
    (doc.failuresInARow ? ` (${doc.failuresInARow} failed in a row)` : "") + ".";
}

// What the next apply would write, and what would stop it. Endpoints not managed from git are
// no action of an apply (it leaves them alone): they are listed below the table.
function planSummary(doc) {
  const parts = Object.entries(doc.summary).filter(([a, n]) => n && a !== "noop" && a !== "unmanaged")
    .map(([a, n]) => `${n} to ${a}`);
  const blocked = (doc.blocked || []).map((b) => `${b.name}: ${b.reason}`);
  const words = parts.length ? `The next apply would: ${parts.join(", ")}.` : "Git and live agree: nothing to apply.";
  return blocked.length ? `${words} It would be refused: ${blocked.join("; ")}.` : words;
}

function showBudget(cost) {
  const meter = $("budget-meter");
  if (!cost) { $("budget-use").textContent = "Cost cannot be projected."; meter.hidden = true; return; }
  const total = Number(cost.totalMonthlyUsd);
  if (cost.budgetUsd === null) {
    $("budget-use").textContent = `${money(total)} a month projected; no budget set.`;
    meter.hidden = true;
    return;
  }
  const budget = Number(cost.budgetUsd);
  const share = budget > 0 ? total / budget : 1;
  $("budget-use").textContent = `${money(total)} of ${money(budget)} a month ` +
    `(${Math.round(share * 100)}% of the budget)`;
  meter.hidden = false;
  meter.max = 1;
  meter.high = 0.9;
  meter.optimum = 0;
  meter.value = Math.min(share, 1);
}

function modelRow(m, drift) {
  const live = m.live;
  const change = m.lastChange;
  const opener = el("button", {type: "button", class: "secondary", id: "open-" + m.name,
    "aria-label": `${can("editor") ? "Edit" : "View"} ${m.name}`}, can("editor") ? "Edit" : "View");
  opener.disabled = !m.inGit;
  opener.addEventListener("click", () => openModel(m.name, false));
  const copy = el("button", {type: "button", class: "secondary", id: "copy-" + m.name,
    "aria-label": `Copy ${m.name} into a new model`}, "Copy");
  copy.disabled = !m.inGit || !can("editor");
  copy.addEventListener("click", () => openModel(m.name, true));
  const stateText = live ? live.state : m.inGit ? "not live yet" : "gone";
  return el("tr", {id: "row-" + m.name},
    el("th", {scope: "row"}, m.name),
    el("td", {}, m.inGit ? "yes" : "no"),
    el("td", {}, el("span", {class: "state " + String(stateText).replaceAll(" ", "-")}, stateText)),
    el("td", {}, live && live.version !== null ? String(live.version) : "—"),
    el("td", {class: "num"}, money(m.costUsd)),
    el("td", {}, change ? `${when(change.time)} by ${change.actor} (${short(change.commit)})` : "—"),
    el("td", {}, driftWords(drift)),
    el("td", {class: "row-actions"}, opener, copy));
}

function driftWords(kind) {
  return {pending: "change waiting to apply", drifted: "changed outside git", missing: "deleted outside git",
    unhealthy: "unhealthy", inSync: "in sync"}[kind] || "—";
}

// ---- the form ----------------------------------------------------------------------------

async function loadSchemaHelp() {
  const schema = await (await fetch("/api/schemas/model-endpoint")).json();
  for (const [id, field] of Object.entries(FIELDS)) {
    let node = schema;
    for (const part of field.path.split(".")) node = node && node.properties ? node.properties[part] : null;
    const help = $("h-" + id.slice(2));
    if (node && node.description && help) help.textContent = node.description;
  }
  const providers = schema.properties.spec.properties.provider.enum;
  $("f-provider").replaceChildren(...providers.map((p) => el("option", {value: p}, p)));
  const catalogue = await (await fetch("/api/catalogue")).json();
  state.catalogue = catalogue.providers;
}

function fillModels(provider, chosen) {
  const rows = state.catalogue[provider] || [];
  const options = rows.map((r) => el("option", {value: r.modelId},
    `${r.modelId} — ${perMillion(r.inputUsdPer1M)} in / ${perMillion(r.outputUsdPer1M)} out per 1M tokens`));
  if (chosen && !rows.some((r) => r.modelId === chosen)) {
    options.unshift(el("option", {value: chosen}, `${chosen} (not in the price catalogue)`));
  }
  $("f-modelId").replaceChildren(...options);
  if (chosen) $("f-modelId").value = chosen;
  showPrice();
}

function showPrice() {
  const row = (state.catalogue[$("f-provider").value] || []).find((r) => r.modelId === $("f-modelId").value);
  $("model-price").textContent = row
    ? `List price: ${perMillion(row.inputUsdPer1M)} per 1M prompt tokens, ${perMillion(row.outputUsdPer1M)} per 1M answer tokens` +
      (row.maxOutputTokens ? `; answers up to ${NUMBER.format(row.maxOutputTokens)} tokens.` : ".")
    : "Not in the price catalogue: set negotiated prices under Advanced to project its cost.";
  const limit = row && row.maxOutputTokens;
  $("max-tokens-range").textContent = limit ? `1 to ${NUMBER.format(limit)}` : "1 or more";
  $("f-maxTokens").max = limit || "";
}

function fillForm(manifest) {
  for (const [id, field] of Object.entries(FIELDS)) {
    const value = getPath(manifest, field.path);
    if (field.kind === "json") $(id).value = value === undefined ? "" : JSON.stringify(value, null, 2);
    else $(id).value = value === undefined || value === null ? "" : String(value);
  }
  fillModels($("f-provider").value, getPath(manifest, "spec.modelId"));
  const labels = (manifest.metadata && manifest.metadata.labels) || {};
  $("labels").replaceChildren();
  for (const [key, value] of Object.entries(labels)) addLabel(key, value);
  state.shown = Object.fromEntries(Object.keys(FIELDS).map((id) => [id, $(id).value]));
  checkPlaceholder();
}

let labelCount = 0;
function addLabel(key = "", value = "") {
  const n = ++labelCount;
  const remove = el("button", {type: "button", class: "secondary", "aria-label": `Remove label ${n}`}, "Remove");
  const row = el("div", {class: "label-row"},
    el("label", {for: "label-key-" + n, class: "sr"}, `Label ${n} key`),
    el("input", {id: "label-key-" + n, class: "label-key", placeholder: "key", value: key}),
    el("label", {for: "label-value-" + n, class: "sr"}, `Label ${n} value`),
    el("input", {id: "label-value-" + n, class: "label-value", placeholder: "value", value: value}),
    remove);
  remove.addEventListener("click", () => { row.remove(); schedule(); });
  $("labels").append(row);
}

function openBlank() {
  state.editing = {name: null, copyOf: null};
  state.base = null;
  state.start = JSON.parse(JSON.stringify(BLANK));
  state.start.spec.credentials.apiKey = keyVar(state.start.spec.provider);
  $("model-title").textContent = "New model";
  $("model-origin").textContent = "A new model starts from a blank form; it becomes a change for review when you submit it.";
  fillForm(state.start);
  resetReview();
  schedule();
}

async function openModel(name, copy) {
  const answer = await call("GET", `/api/environments/${encodeURIComponent(env())}/models/${encodeURIComponent(name)}`);
  if (answer.status !== 200 || !answer.data.manifest) { say(errorText(answer), "bad"); return; }
  const manifest = answer.data.manifest;
  state.start = JSON.parse(JSON.stringify(manifest));
  if (copy) {
    state.editing = {name: null, copyOf: name};
    state.base = null;
    manifest.metadata.name = name + "-copy";
    state.start.metadata.name = manifest.metadata.name;
    $("model-title").textContent = `New model, copied from ${name}`;
    $("model-origin").textContent = "Give the copy its own name; the original is not changed.";
  } else {
    state.editing = {name, copyOf: null};
    state.base = answer.data.commit;
    $("model-title").textContent = `${can("editor") ? "Edit" : "View"} ${name}`;
    const change = answer.data.lastChange;
    $("model-origin").textContent = `As committed in ${answer.data.file}` +
      (change ? `, last changed ${when(change.time)} by ${change.actor} (${short(change.commit)}).` : ".");
  }
  fillForm(manifest);
  resetReview();
  go("model");
  schedule();
}

function resetReview() {
  $("result").replaceChildren();
  $("preview").replaceChildren("Fill in the form to see what would change.");
  $("preview").className = "quiet";
  $("over-budget").hidden = true;
  $("allow-over-budget").checked = false;
}

function checkPlaceholder() {
  const text = $("f-promptTemplate").value;
  const found = /\{(input|context)\}/.test(text.replaceAll("{{", "").replaceAll("}}", ""));
  const node = $("placeholder-check");
  node.textContent = found ? "✓ The prompt has its {input} placeholder."
    : "The prompt needs {input} (or {context}) where the customer's text goes.";
  node.className = found ? "help good" : "help bad";
}

// The manifest the form describes, starting from the one opened (fields the form does not
// show are kept), and the form's own problems (JSON that does not parse). A field still
// showing what it was filled with keeps the opened value byte for byte: a field shows a value
// as the browser can (trimmed, CRLF as LF, a number re-spelled), and opening a model and
// changing one field must not change the others.
function collect() {
  const manifest = JSON.parse(JSON.stringify(state.start || BLANK));
  const local = [];
  for (const [id, field] of Object.entries(FIELDS)) {
    const raw = $(id).value;
    if (state.shown && raw === state.shown[id]) continue;
    const text = raw.trim();
    let value;
    if (text === "") value = undefined;
    else if (field.kind === "json") {
      try {
        value = JSON.parse(text);
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          local.push({path: field.path, message: "must be a JSON object, e.g. {\"type\": \"object\", ...}"});
        }
      } catch (e) {
        local.push({path: field.path, message: `is not valid JSON: ${e.message}`});
        value = getPath(manifest, field.path);
      }
    } else if (field.kind === "number") value = Number(text);
    else if (field.kind === "raw") value = raw;
    else value = text;
    setPath(manifest, field.path, value);
  }
  const labels = {};
  for (const row of $("labels").querySelectorAll(".label-row")) {
    const key = row.querySelector(".label-key").value.trim();
    const value = row.querySelector(".label-value").value;
    if (key === "" && value === "") continue;
    if (key === "") { local.push({path: "metadata.labels", message: "a label needs a key"}); continue; }
    labels[key] = value;
  }
  if (Object.keys(labels).length) manifest.metadata.labels = labels; else delete manifest.metadata.labels;
  return {manifest: prune(manifest), local};
}

function fieldOf(path) {
  if (!path) return null;
  let probe = path.replace(/\[\d+\]/g, "");
  while (probe) {
    if (BY_PATH[probe]) return BY_PATH[probe];
    if (probe.startsWith("metadata.labels")) return "labels";
    const cut = probe.lastIndexOf(".");
    if (cut < 0) break;
    probe = probe.slice(0, cut);
  }
  return null;
}

// Every problem and warning at its field, all at once; those of no field below the form.
function showProblems(problems, warnings) {
  for (const node of document.querySelectorAll(".field-problem")) node.replaceChildren();
  for (const id of Object.keys(FIELDS)) $(id).removeAttribute("aria-invalid");
  const items = [...problems.map((p) => ({...p, level: "problem"})),
    ...warnings.map((p) => ({...p, level: "warning"}))];
  for (const p of items) {
    const id = fieldOf(p.path);
    const target = id === "labels" ? $("p-labels") : id ? $("p-" + id.slice(2)) : $("other-problems");
    const words = (p.message || "").replace(/^[\w.[\]]+: /, "");
    target.append(el("span", {class: p.level === "problem" ? "bad" : "warn"},
      `${p.level === "problem" ? "Problem" : "Warning"}: ${words}` + (p.hint ? ` Fix: ${p.hint}` : "")));
    if (id && id !== "labels" && p.level === "problem") {
      $(id).setAttribute("aria-invalid", "true");
      if ($(id).closest("details")) $("advanced").open = true;
    }
  }
  const count = problems.length;
  $("problem-summary").replaceChildren(el("p", {id: "problem-count", class: count ? "bad" : "good"},
    count ? `${count} problem(s) to fix, shown at their fields.` : "No problems." +
      (warnings.length ? ` ${warnings.length} warning(s) shown at their fields.` : "")));
}

function schedule() {
  clearTimeout(state.timer);
  checkPlaceholder();
  state.timer = setTimeout(check, 300);
}

async function check() {
  if ($("view-model").hidden && state.editing === null) return;
  const mine = ++state.sequence;
  const {manifest, local} = collect();
  const answer = await call("POST", "/api/validate", {env: env(), model: manifest});
  if (mine !== state.sequence) return;
  if (answer.status !== 200) { say(errorText(answer), "bad"); return; }
  const problems = [...local, ...answer.data.problems];
  showProblems(problems, answer.data.warnings || []);
  if (problems.length) {
    state.preview = null;
    $("preview").replaceChildren("Fix the problems to see what would change.");
    $("preview").className = "quiet";
    $("over-budget").hidden = true;
    return;
  }
  if (!can("editor")) {
    $("preview").replaceChildren(`Your role (${state.me ? state.me.role : "none"}) can check a model ` +
      "but not preview or submit changes to it.");
    $("preview").className = "quiet";
    return;
  }
  const preview = await call("POST", "/api/configure-model", request(manifest, {dryRun: true}));
  if (mine !== state.sequence) return;
  if (preview.status === 200) showPreview(preview.data);
  else { $("preview").textContent = errorText(preview); $("preview").className = "bad"; }
}

function request(manifest, extra) {
  const body = {env: env(), model: manifest, ...extra};
  if (state.base) body.baseCommit = state.base;
  return body;
}

// Leaves of a manifest by dotted path (the response schema as one value): what the form
// changed compared with the committed file, as a reviewer sees it in the pull request.
function leaves(manifest) {
  const out = {};
  const walk = (node, path) => {
    if (node && typeof node === "object" && !Array.isArray(node) && path !== "spec.responseSchema") {
      for (const [key, value] of Object.entries(node)) walk(value, path ? `${path}.${key}` : key);
    } else if (node !== undefined) out[path] = node;
  };
  walk({metadata: manifest.metadata, spec: manifest.spec}, "");
  return out;
}

function gitChanges(before, after) {
  const a = leaves(before);
  const b = leaves(after);
  const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
    .filter((path) => !same(a[path], b[path]))
    .map((path) => ({path: path.replace(/^spec\./, ""), old: a[path] ?? null, new: b[path] ?? null}));
}

function showPreview(d) {
  state.preview = d;
  const box = $("preview");
  box.className = "";
  const parts = [];
  const editing = state.editing && state.editing.name;
  if (editing) {
    const mine = gitChanges(state.start, collect().manifest);
    parts.push(el("h4", {}, `Your changes to ${state.editing.name} (${mine.length})`));
    parts.push(mine.length ? el("ul", {id: "git-changes", class: "changes"}, ...mine.map((c) => changeItem(c, "prompt-diff")))
      : el("p", {class: "quiet", id: "git-changes"}, "None yet: the form matches the committed file."));
  }
  const action = {create: "The next apply creates this endpoint (it is not live yet).",
    update: "The next apply updates the live endpoint in place.",
    replace: "The next apply replaces the live endpoint (a new one is made, the old one removed).",
    noop: "The live endpoint already matches: the next apply changes nothing.",
    delete: "The next apply deletes the endpoint."}[d.action] || d.action;
  parts.push(el("h4", {}, "On the live endpoint"));
  parts.push(el("p", {id: "preview-action", "data-action": d.action}, action));
  const changes = d.changes || [];
  if (changes.length && d.action !== "create") {
    parts.push(el("ul", {id: "preview-changes", class: "changes"},
      ...changes.map((c) => changeItem(c, editing ? "plan-prompt-diff" : "prompt-diff"))));
  }
  const delta = d.costDelta;
  parts.push(el("h4", {}, "Cost"));
  parts.push(el("p", {id: "preview-cost"}, `This model: ${signed(delta.delta)} a month. ` +
    `Environment: ${money(delta.before)} → ${money(delta.after)} a month.`));
  const cost = d.plan.cost;
  if (cost && cost.budgetUsd !== null) {
    parts.push(el("p", {id: "preview-budget"}, `Budget: ${money(cost.budgetUsd)} a month; ` +
      `after this change ${money(delta.after)} (${Math.round(100 * Number(delta.after) / Number(cost.budgetUsd))}%).`));
  }
  box.replaceChildren(...parts);
  const breach = cost && cost.breach;
  $("over-budget").hidden = !breach;
  $("over-budget-text").textContent = breach ? `Over budget: ${breach}` : "";
}

// A field's change in words; the prompt, and any text of several lines, as a line diff (a
// line break shown inline would vanish).
function changeItem(c, diffId) {
  if (typeof c.old === "string" && typeof c.new === "string"
    && (c.path === "promptTemplate" || (c.old + c.new).includes("\n"))) {
    const prompt = c.path === "promptTemplate";
    return el("li", {}, el("strong", {}, prompt ? "prompt template" : c.path),
      promptDiff(c.old, c.new, prompt ? diffId : null, `line changes of ${prompt ? "the prompt" : c.path}`));
  }
  const show = (v) => (v === null || v === undefined ? "(not set)"
    : typeof v === "object" ? JSON.stringify(v) : String(v));
  return el("li", {}, el("strong", {}, c.path), `: ${show(c.old)} → ${show(c.new)}`);
}

function promptDiff(before, after, id, label) {
  const lines = window.lineDiff(before, after);
  return el("pre", {class: "diff", id, tabindex: "0", "aria-label": label},
    ...lines.map(([kind, line]) => el("span", {class: kind === "+" ? "add" : kind === "-" ? "del" : "same"},
      `${kind} ${line}\n`)));
}

// ---- submit ------------------------------------------------------------------------------

async function submit() {
  const {manifest, local} = collect();
  if (local.length) { showProblems(local, []); return; }
  if (!$("over-budget").hidden && !$("allow-over-budget").checked) {
    show("model");
    $("result").replaceChildren(el("p", {class: "bad", id: "refused"},
      "Not submitted: this change goes over the budget. Lower the traffic or pick a cheaper model, " +
      "or tick the box to say you know."));
    $("allow-over-budget").focus();
    return;
  }
  const out = $("result");
  $("submit").disabled = true;
  out.replaceChildren(el("p", {class: "quiet"}, "Submitting…"));
  try {
    const extra = {apply: $("apply").checked, allowOverBudget: $("allow-over-budget").checked};
    if (!state.base && state.editing && state.editing.name) extra.replaceExisting = true;
    const answer = await call("POST", "/api/configure-model", request(manifest, extra));
    out.replaceChildren();
    if (answer.status === 400 && answer.data && answer.data.problems) {
      showProblems(answer.data.problems, []);
      out.append(el("p", {class: "bad"}, "Not submitted: fix the problems shown at their fields."));
      return;
    }
    if (answer.status === 422 && answer.data && answer.data.budget) {
      out.append(el("p", {class: "bad", id: "refused"}, `Not submitted: over budget. ${answer.data.error.message}`));
      return;
    }
    if (answer.status === 409) {
      out.append(el("p", {class: "bad", id: "refused"}, `Not submitted: ${answer.data.error.message}`));
      return;
    }
    if (answer.status !== 201 && answer.status !== 202) {
      out.append(el("p", {class: "bad"}, `Not submitted: ${errorText(answer)}`));
      return;
    }
    showResult(out, answer.data, answer.status === 202);
    if (answer.status === 202) follow(answer.data.job.links.self, out);
  } finally {
    $("submit").disabled = !can("editor");
  }
}

function showResult(out, d, applying) {
  if (applying) {
    out.append(el("p", {id: "result-words"}, `Committed to ${d.branch} as ${short(d.commit)}. ` +
      "The change is being applied now; each model's progress shows below."));
    return;
  }
  if (!d.branch) {
    out.append(el("p", {id: "result-words"}, "Nothing to submit: the form matches what is committed."));
    return;
  }
  const words = [`Your change is on branch `, el("code", {id: "result-branch"}, d.branch), ". "];
  if (d.pullRequest) {
    words.push("A pull request is open for review: ",
      el("a", {href: d.pullRequest, id: "result-pr"}, d.pullRequest), ". ");
  } else if (d.pushed === false) {
    words.push("It could not be pushed yet; the service keeps it and an administrator can push it. ");
  } else {
    words.push("An administrator opens the pull request from that branch. ");
  }
  words.push("Once it is reviewed and merged, the next apply makes it live.");
  out.append(el("p", {id: "result-words"}, ...words));
}

async function follow(path, out) {
  const line = el("p", {id: "job-status"}, "Queued…");
  const list = el("ul", {id: "job-models", class: "plain"});
  out.append(line, list);
  for (;;) {
    const answer = await call("GET", path);
    if (answer.status !== 200) { line.textContent = errorText(answer); return; }
    const job = answer.data;
    const error = (job.result && job.result.error) || {};
    line.textContent = {QUEUED: "Waiting for another apply of this environment to finish…",
      RUNNING: "Applying…", SUCCEEDED: "Applied: every model reached its state.",
      FAILED: (error.code === "blocked" ? "Nothing was applied: " : "The apply did not finish: ") +
        (error.message || "see each model below.")}[job.status];
    line.className = job.status === "FAILED" ? "bad" : job.status === "SUCCEEDED" ? "good" : "";
    list.replaceChildren(...job.models.map((m) => el("li", {id: "job-model-" + m.name},
      `${m.name}: ${m.state}` + (m.error ? ` (${m.error})` : ""))));
    if (job.status === "SUCCEEDED" || job.status === "FAILED") return;
    await new Promise((resolve) => setTimeout(resolve, 800));
  }
}

// ---- history, cost, jobs -------------------------------------------------------------------

async function loadHistory(more) {
  const query = more && state.historyNext ? `?limit=50&before=${encodeURIComponent(state.historyNext)}` : "?limit=50";
  const answer = await call("GET", `/api/environments/${encodeURIComponent(env())}/history${query}`);
  if (answer.status !== 200) { say(errorText(answer), "bad"); return; }
  const steps = $("history-steps").checked;
  const entries = answer.data.entries.filter((e) => steps || !String(e.result || "").startsWith("INTENT"));
  const rows = entries.map((e) => el("tr", {},
    el("td", {}, when(e.timestamp)), el("td", {}, e.actor || ""), el("td", {}, actionWords(e.action)),
    el("td", {}, e.model === "*" ? "all" : e.model || ""), el("td", {}, resultWords(e.result)), el("td", {}, el("code", {}, short(e.gitCommit)))));
  const body = $("history-table").tBodies[0];
  if (more) body.append(...rows);
  else body.replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", {colspan: "6", class: "quiet"}, "Nothing applied yet."))]));
  labelCells("history-table");
  state.historyNext = answer.data.next;
  $("history-more").hidden = !answer.data.next;
}

function resultWords(result) {
  const text = String(result || "");
  if (text.startsWith("INTENT")) return "about to be sent";
  if (text === "ACCEPTED") return "done";
  return text;
}

function actionWords(action) {
  return {MODEL_CREATED: "created", MODEL_UPDATED: "updated", MODEL_REPLACED: "replaced",
    MODEL_DELETED: "deleted", PROVISION_FAILED: "provisioning failed", PROVISION_TIMEOUT: "provisioning timed out",
    DRIFT_DETECTED: "drift found", CONFIG_SYNC: "applied git", MODEL_RECOVERED: "recovered",
    LOCK_BROKEN: "lock broken"}[action] || action;
}

async function loadCost() {
  const base = `/api/environments/${encodeURIComponent(env())}`;
  const [cost, history] = await Promise.all([call("GET", base + "/cost"), call("GET", base + "/cost/history")]);
  if (cost.status !== 200) { say(errorText(cost), "bad"); return; }
  const c = cost.data;
  $("cost-summary").textContent = `Projected: ${money(c.totalMonthlyUsd)} a month` +
    (c.budgetUsd !== null ? ` of a ${money(c.budgetUsd)} budget.` : "; no budget set.") +
    (c.breach ? ` ${c.breach}` : "");
  $("cost-table").tBodies[0].replaceChildren(...c.models.map((m) => el("tr", {},
    el("th", {scope: "row"}, m.name), el("td", {}, `${m.provider} ${m.modelId}`),
    el("td", {class: "num"}, m.requestsPerDay === null ? "—" : NUMBER.format(Number(m.requestsPerDay))),
    el("td", {class: "num"}, money(m.monthlyUsd)), el("td", {}, m.note || ""))));
  labelCells("cost-table");
  if (history.status === 200) drawChart(history.data);
}

const SVG = "http://www.w3.org/2000/svg";
const WHOLE_USD = new Intl.NumberFormat("en-US", {style: "currency", currency: "USD", maximumFractionDigits: 2,
  minimumFractionDigits: 0});

// The smallest of 1, 2 or 5 times a power of ten that is at least ``raw``: round grid lines.
function niceStep(raw) {
  if (!(raw > 0)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
}
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Projected cost at each snapshot as a line, the budget as a dashed line; drawn here, no library.
function drawChart(data) {
  const box = $("cost-chart");
  const points = data.points.map((p) => ({...p, value: Number(p.totalUsd)}));
  if (!points.length) {
    box.replaceChildren(el("p", {class: "quiet", id: "cost-chart-empty"}, "No applies yet: the chart starts with the first one."));
    return;
  }
  const budget = data.budgetUsd === null ? null : Number(data.budgetUsd);
  const width = 640, height = 240, left = 72, right = 16, top = 16, bottom = 40;
  const step = niceStep(Math.max(...points.map((p) => p.value), budget || 0) * 1.05 / 4);
  const top_value = step * 4;
  const x = (i) => left + (points.length === 1 ? (width - left - right) / 2 : i * (width - left - right) / (points.length - 1));
  const y = (v) => top + (height - top - bottom) * (1 - v / top_value);
  const chart = svg("svg", {viewBox: `0 0 ${width} ${height}`, role: "img", id: "cost-svg",
    "aria-labelledby": "cost-svg-title", class: "chart"});
  const last = points[points.length - 1];
  chart.append(svg("title", {id: "cost-svg-title"}, `Projected monthly cost over ${points.length} apply(s), ` +
    `latest ${money(last.value)}` + (budget !== null ? `, budget ${money(budget)}` : "")));
  for (let i = 0; i <= 4; i++) {
    const v = top_value * i / 4;
    chart.append(svg("line", {x1: left, x2: width - right, y1: y(v), y2: y(v), class: "grid"}));
    chart.append(svg("text", {x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "axis"}, WHOLE_USD.format(v)));
  }
  if (budget !== null) {
    chart.append(svg("line", {x1: left, x2: width - right, y1: y(budget), y2: y(budget), class: "budget", id: "budget-line"}));
    chart.append(svg("text", {x: width - right, y: y(budget) - 6, "text-anchor": "end", class: "axis"}, `budget ${money(budget)}`));
  }
  chart.append(svg("polyline", {points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(" "), class: "series"}));
  points.forEach((p, i) => {
    const dot = svg("circle", {cx: x(i), cy: y(p.value), r: 4, class: "point"});
    dot.append(svg("title", {}, `${when(p.time)}: ${money(p.value)} (${short(p.commit)})`));
    chart.append(dot);
  });
  chart.append(svg("text", {x: left, y: height - 12, class: "axis"}, when(points[0].time)));
  if (points.length > 1) chart.append(svg("text", {x: width - right, y: height - 12, "text-anchor": "end", class: "axis"}, when(last.time)));
  box.replaceChildren(chart);
}

async function loadJobs() {
  const answer = await call("GET", `/api/jobs?env=${encodeURIComponent(env())}`);
  if (answer.status !== 200) { say(errorText(answer), "bad"); return; }
  const rows = answer.data.jobs.map((j) => el("tr", {},
    el("td", {}, when(j.created)), el("td", {}, j.actor || ""), el("td", {}, j.status +
      (j.result && j.result.error ? `: ${j.result.error.message}` : "")),
    el("td", {}, j.models.map((m) => `${m.name} ${m.state}`).join(", ")
      || (j.result && j.result.error && j.result.error.code === "blocked" ? "nothing applied" : "—"))));
  $("jobs-table").tBodies[0].replaceChildren(...(rows.length ? rows
    : [el("tr", {}, el("td", {colspan: "4", class: "quiet"}, "No direct applies yet."))]));
  labelCells("jobs-table");
}

// ---- try a model ---------------------------------------------------------------------------

async function loadTry() {
  const answer = await call("GET", `/api/environments/${encodeURIComponent(env())}/models`);
  const live = answer.status === 200 ? answer.data.models.filter((m) => m.live && m.live.state === "ACTIVE") : [];
  $("invoke-model").replaceChildren(...(live.length ? live.map((m) => el("option", {value: m.name}, m.name))
    : [el("option", {value: ""}, "no model is live in this environment")]));
  $("invoke").disabled = !can("invoker") || !live.length;
}

async function invoke(event) {
  event.preventDefault();
  const out = $("invoke-out");
  if (!$("invoke-input").value.trim()) {
    out.className = "out bad";
    out.textContent = "Type the text to send first: the input is empty.";
    $("invoke-input").focus();
    return;
  }
  out.className = "out quiet";
  out.textContent = "Sending…";
  const answer = await call("POST", "/api/invoke-protected",
    {env: env(), model: $("invoke-model").value, input: $("invoke-input").value});
  out.replaceChildren();
  out.className = "out";
  const d = answer.data || {};
  if (d.guard) {
    out.append(el("p", {}, "Guard: ", el("span", {class: "verdict " + d.guard.verdict, id: "verdict"}, d.guard.verdict)));
    // What decided: the detector at or over its threshold first, then the others.
    if (d.guard.decision) out.append(el("p", {id: "guard-decision", class: "quiet"}, "Scores: " + d.guard.decision));
    if (d.guard.verdict === "flag") {
      out.append(el("p", {class: "warn", id: "flag-note"},
        "This input looked suspicious but the guard is in flag mode: it was sent to the model anyway."));
    }
    const reasons = d.guard.reasons.map((r) => el("li", {}, r));
    // An allowed input's findings were below the block threshold: notes, not accusations.
    if (reasons.length && d.guard.verdict === "allow") {
      out.append(el("details", {id: "guard-notes", class: "notes"}, el("summary", {},
        `${reasons.length} note(s) below the block threshold, not acted on`), el("ul", {}, ...reasons)));
    } else if (reasons.length) out.append(el("ul", {id: "guard-reasons"}, ...reasons));
  }
  if (answer.status === 422) { out.append(el("p", {class: "bad"}, "Blocked: nothing was sent to the model.")); return; }
  if (answer.status !== 200) { out.append(el("p", {class: "bad"}, errorText(answer))); return; }
  out.append(el("dl", {},
    el("dt", {}, "Latency"), el("dd", {id: "latency"}, `${NUMBER.format(d.latencyMs)} ms`),
    el("dt", {}, "Tokens"), el("dd", {id: "tokens"}, `${NUMBER.format(d.usage.promptTokens)} in, ${NUMBER.format(d.usage.completionTokens)} out`),
    el("dt", {}, "Cost"), el("dd", {id: "cost"}, d.costUsd === null ? "not priced" : `$${d.costUsd}`)),
    el("pre", {id: "invoke-result", tabindex: "0", "aria-label": "the model's answer"}, JSON.stringify(d.result, null, 2)));
}

// ---- start -------------------------------------------------------------------------------

async function start() {
  $("token").value = sessionStorage.getItem("reconcile-token") || "";
  $("sign-in").addEventListener("click", signIn);
  $("token").addEventListener("keydown", (e) => { if (e.key === "Enter") signIn(); });
  $("env").addEventListener("change", () => {
    sessionStorage.setItem("reconcile-env", env());
    state.editing = null;
    route();
  });
  window.addEventListener("hashchange", route);
  await loadSchemaHelp();
  $("f-provider").addEventListener("change", () => {
    const key = $("f-apiKey");
    const suggested = [...Object.values(KEY_VARS), ...Object.values(state.keyRefs || {})];
    if (!key.value || suggested.includes(key.value)) key.value = keyVar($("f-provider").value);
    fillModels($("f-provider").value, null);
  });
  $("f-modelId").addEventListener("change", showPrice);
  $("model-form").addEventListener("input", schedule);
  $("model-form").addEventListener("change", schedule);
  $("model-form").addEventListener("submit", (e) => e.preventDefault());
  $("add-label").addEventListener("click", () => { addLabel(); $("labels").lastChild.querySelector("input").focus(); });
  $("new-model").addEventListener("click", () => { openBlank(); go("model"); });
  $("submit").addEventListener("click", submit);
  $("history-more").addEventListener("click", () => loadHistory(true));
  $("history-steps").addEventListener("change", () => loadHistory(false));
  $("invoke-form").addEventListener("submit", invoke);
  applyRole();
  if (token()) signIn(); else { say("Enter your access token to start."); route(); }
}

document.addEventListener("DOMContentLoaded", start);
