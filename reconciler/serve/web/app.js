// The configurator page: a form built from the ModelEndpoint JSON Schema, checked as you type
// (POST /api/validate), previewed (configure-model with dryRun), then submitted; and a panel
// that tries a model through /api/invoke-protected. Plain DOM, no build step, no inline code
// (the page's Content-Security-Policy allows only these files). Values from the server are
// always shown with textContent, never parsed as HTML.
"use strict";

const EXAMPLE = {
  "metadata.name": "ticket-triage",
  "spec.provider": "openai",
  "spec.modelId": "gpt-4o-mini",
  "spec.credentials.apiKey": "${OPENAI_API_KEY}",
  "spec.configuration.temperature": "0.1",
  "spec.configuration.maxTokens": "500",
  "spec.configuration.topP": "1",
  "spec.promptTemplate": "Classify the ticket between the markers.\n<ticket>{input}</ticket>",
  "spec.responseSchema": JSON.stringify({type: "object", properties: {category: {type: "string"}},
    required: ["category"]}, null, 2),
  "spec.usage.requestsPerDay": "1000",
  "spec.usage.avgPromptTokens": "400",
  "spec.usage.avgCompletionTokens": "50",
};
const SKIP = new Set(["apiVersion", "kind"]);
const LONG_TEXT = /template|description|input/i;
const $ = (id) => document.getElementById(id);
let fields = [];
let sequence = 0;
let timer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value; else node.setAttribute(key, value);
  }
  for (const child of children) {
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function token() { return $("token").value.trim(); }

async function call(method, path, body) {
  const headers = {"Authorization": "Bearer " + token()};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {method, headers,
    body: body === undefined ? undefined : JSON.stringify(body)});
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  return {status: response.status, data};
}

function status(text, kind = "") {
  const node = $("status");
  node.textContent = text;
  node.className = kind;
}

function errorText(answer) {
  const error = answer.data && answer.data.error;
  return error ? `${answer.status}: ${error.message}` : `HTTP ${answer.status}`;
}

// ---- the form, from the schema -------------------------------------------------------------

function buildFields(schema, path, container) {
  for (const [key, prop] of Object.entries(schema.properties || {})) {
    if (path.length === 0 && SKIP.has(key)) continue;
    const here = [...path, key];
    const name = here.join(".");
    if (prop.type === "object" && prop.properties) {
      const set = el("fieldset", {}, el("legend", {}, key));
      if (prop.description) set.append(el("span", {class: "help"}, prop.description));
      container.append(set);
      buildFields(prop, here, set);
      continue;
    }
    container.append(field(name, key, prop));
  }
}

function field(name, key, prop) {
  let input;
  let kind = prop.type || (prop.enum ? "enum" : "string");
  if (prop.enum) {
    input = el("select", {}, el("option", {value: ""}, "(not set)"),
      ...prop.enum.map((v) => el("option", {value: String(v)}, String(v))));
    kind = "enum";
  } else if (kind === "object" || kind === "array") {
    input = el("textarea", {rows: "5", placeholder: "JSON"});
    kind = "json";
  } else if (kind === "boolean") {
    input = el("input", {type: "checkbox"});
  } else if (kind === "number" || kind === "integer") {
    input = el("input", {type: "number", step: "any"});
  } else if (LONG_TEXT.test(key)) {
    input = el("textarea", {rows: "3"});
  } else {
    input = el("input", {type: "text"});
  }
  input.id = "f-" + name.replaceAll(".", "-");
  input.name = name;
  if (EXAMPLE[name] !== undefined) input.value = EXAMPLE[name];
  fields.push({name, kind, input});
  const label = el("label", {for: input.id}, key, input);
  if (prop.description) label.append(el("span", {class: "help"}, prop.description));
  return label;
}

function setPath(target, path, value) {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] = node[part] || {};
  node[parts[parts.length - 1]] = value;
}

// The manifest the form describes, and the form's own problems (JSON that does not parse).
function collect() {
  const manifest = {apiVersion: "reconciler/v1", kind: "ModelEndpoint", metadata: {}, spec: {}};
  const local = [];
  for (const {name, kind, input} of fields) {
    if (kind === "boolean") { if (input.checked) setPath(manifest, name, true); continue; }
    const text = input.value.trim();
    if (text === "") continue;
    if (kind === "json") {
      try { setPath(manifest, name, JSON.parse(text)); } catch (e) {
        local.push({path: name, rule: "json", message: `${name} is not valid JSON`, hint: e.message});
      }
    } else if (kind === "number" || kind === "integer") {
      setPath(manifest, name, Number(text));
    } else {
      setPath(manifest, name, input.type === "text" ? text : input.value);
    }
  }
  return {manifest, local};
}

// ---- validation and preview as you type ----------------------------------------------------

function showProblems(problems) {
  const list = $("problems");
  list.replaceChildren();
  if (!problems.length) {
    list.append(el("li", {class: "good"}, "valid"));
    return;
  }
  for (const p of problems) {
    const where = p.path || (p.file ? `${p.file}${p.line ? ":" + p.line : ""}` : "");
    const item = el("li", {class: "bad"}, el("span", {class: "rule"}, p.rule || "problem"), " ",
      where ? where + ": " : "", p.message || "");
    if (p.hint) item.append(el("span", {class: "help"}, "fix: " + p.hint));
    list.append(item);
  }
}

function showPreview(answer) {
  const box = $("preview");
  box.className = "";
  box.replaceChildren();
  const d = answer.data;
  const summary = Object.entries(d.plan.summary).filter(([, n]) => n).map(([a, n]) => `${n} ${a}`);
  box.append(el("dl", {},
    el("dt", {}, "this model"), el("dd", {id: "preview-action"}, d.action),
    el("dt", {}, "manifest"), el("dd", {}, d.manifest),
    el("dt", {}, "environment plan"), el("dd", {}, summary.join(", ") || "no changes"),
    el("dt", {}, "monthly cost"),
    el("dd", {id: "preview-cost"}, `$${d.costDelta.before} → $${d.costDelta.after} ` +
      `(${d.costDelta.delta.startsWith("-") ? "" : "+"}${d.costDelta.delta})`)));
  if (d.plan.cost && d.plan.cost.breach) box.append(el("p", {class: "bad"}, d.plan.cost.breach));
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(check, 350);
}

async function check() {
  const mine = ++sequence;
  const {manifest, local} = collect();
  if (local.length) { showProblems(local); return; }
  const env = $("env").value;
  const answer = await call("POST", "/api/validate", {env, model: manifest});
  if (mine !== sequence) return;
  if (answer.status !== 200) { status(errorText(answer), "bad"); return; }
  showProblems(answer.data.problems);
  if (answer.data.problems.length) {
    $("preview").replaceChildren("fix the problems to see the plan");
    $("preview").className = "quiet";
    return;
  }
  const preview = await call("POST", "/api/configure-model", {env, model: manifest, dryRun: true});
  if (mine !== sequence) return;
  if (preview.status === 200) showPreview(preview);
  else { $("preview").textContent = errorText(preview); $("preview").className = "bad"; }
}

// ---- submit ----------------------------------------------------------------------------

async function submit(event) {
  event.preventDefault();
  const {manifest, local} = collect();
  if (local.length) { showProblems(local); return; }
  const out = $("result");
  $("submit").disabled = true;
  out.className = "quiet";
  out.textContent = "committing…";
  try {
    const answer = await call("POST", "/api/configure-model",
      {env: $("env").value, model: manifest, apply: $("apply").checked});
    out.replaceChildren();
    out.className = "";
    if (answer.status === 400 && answer.data && answer.data.problems) {
      showProblems(answer.data.problems);
      out.textContent = "not committed: see the problems";
      out.className = "bad";
      return;
    }
    if (answer.status !== 201 && answer.status !== 202) {
      out.textContent = errorText(answer);
      out.className = "bad";
      return;
    }
    showResult(out, answer.data);
    if (answer.status === 202) follow(answer.data.job.links.self, out);
  } finally {
    $("submit").disabled = false;
  }
}

function showResult(out, d) {
  const link = d.pullRequest ? el("a", {href: d.pullRequest, id: "result-pr"}, d.pullRequest)
    : el("span", {class: "quiet"}, "none (run with --push and GitHub configured)");
  out.append(el("dl", {},
    el("dt", {}, "action"), el("dd", {}, d.action),
    el("dt", {}, "branch"), el("dd", {id: "result-branch"}, d.branch || "(unchanged)"),
    el("dt", {}, "commit"), el("dd", {}, d.commit || ""),
    el("dt", {}, "pull request"), el("dd", {}, link)));
}

async function follow(path, out) {
  const line = el("p", {id: "job-status"}, "job QUEUED");
  out.append(line);
  for (;;) {
    const answer = await call("GET", path);
    if (answer.status !== 200) { line.textContent = errorText(answer); return; }
    line.textContent = `job ${answer.data.status}` +
      (answer.data.exitCode === null ? "" : ` (exit ${answer.data.exitCode})`);
    if (answer.data.status === "SUCCEEDED" || answer.data.status === "FAILED") return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

// ---- try a model -----------------------------------------------------------------------

async function invoke(event) {
  event.preventDefault();
  const out = $("invoke-out");
  out.className = "out quiet";
  out.textContent = "sending…";
  const answer = await call("POST", "/api/invoke-protected",
    {env: $("env").value, model: $("invoke-model").value, input: $("invoke-input").value});
  out.replaceChildren();
  out.className = "out";
  const d = answer.data || {};
  if (d.guard) {
    out.append(el("p", {}, "guard: ", el("span", {class: "verdict " + d.guard.verdict,
      id: "verdict"}, d.guard.verdict)));
    if (d.guard.reasons.length) {
      out.append(el("ul", {}, ...d.guard.reasons.map((r) => el("li", {}, r))));
    }
  }
  if (answer.status === 422) { out.append(el("p", {class: "bad"}, "blocked: nothing was sent")); return; }
  if (answer.status !== 200) { out.append(el("p", {class: "bad"}, errorText(answer))); return; }
  out.append(el("dl", {},
    el("dt", {}, "latency"), el("dd", {id: "latency"}, `${d.latencyMs} ms`),
    el("dt", {}, "tokens"), el("dd", {}, `${d.usage.promptTokens} in / ${d.usage.completionTokens} out`),
    el("dt", {}, "cost"), el("dd", {id: "cost"}, d.costUsd === null ? "not priced" : `$${d.costUsd}`)),
    el("pre", {id: "invoke-result"}, JSON.stringify(d.result, null, 2)));
}

// ---- start -------------------------------------------------------------------------------

async function loadEnvironments() {
  const answer = await call("GET", "/api/environments");
  if (answer.status !== 200) { status(errorText(answer) + " (enter a token)", "bad"); return; }
  status(`${answer.data.environments.length} environment(s)`, "good");
  const select = $("env");
  const chosen = select.value;
  select.replaceChildren(...answer.data.environments.map((e) =>
    el("option", {value: e.name}, `${e.name} (${e.region})`)));
  if (chosen) select.value = chosen;
  select.envs = answer.data.environments;
  models();
  schedule();
}

function models() {
  const env = ($("env").envs || []).find((e) => e.name === $("env").value);
  $("invoke-model").replaceChildren(...(env ? env.models : []).map((m) =>
    el("option", {value: m}, m)));
}

async function start() {
  $("token").value = sessionStorage.getItem("reconcile-token") || "";
  $("token").addEventListener("change", () => {
    sessionStorage.setItem("reconcile-token", token());
    loadEnvironments();
  });
  $("env").addEventListener("change", () => { models(); schedule(); });
  const schema = await (await fetch("/api/schemas/model-endpoint")).json();
  buildFields(schema, [], $("fields"));
  $("model-form").addEventListener("input", schedule);
  $("model-form").addEventListener("submit", submit);
  $("invoke-form").addEventListener("submit", invoke);
  if (token()) loadEnvironments(); else status("enter a token to start");
}

document.addEventListener("DOMContentLoaded", start);
