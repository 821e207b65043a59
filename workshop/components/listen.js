// Bedrock listener: waits on the server's long poll and asks for a rerun of its own
// fragment only when the workshop moved past the version this page drew.
//
// Data from Python (numbers and a fixed path only):
//   name       the element's key on the page ("join_listen", "pair_listen")
//   endpoint   path of the long poll, e.g. "/api/wait"
//   code       the workshop's join code (letters and digits)
//   of         "phone" to wait on the phone version (what phones draw), "pair" to wait on
//              a pair of phones' own counter (then "pair" is its listen key), "all" otherwise
//   version    the version the page was drawn from, or null when it could not read one
//   gap_ms     least time between two reruns asked for by this page (its old polling period)
//   spread_ms  a random delay up to this long before each rerun, so a room of phones does
//              not rerun in the same millisecond
//   hold_s     how long the server may hold a quiet request
//
// State sent back: "listening" (true while the endpoint answers; false makes the page poll
// as before), trigger "stale" (rerun, please).

const RETRY_MS = [5_000, 15_000, 30_000, 60_000];

// One listener per element, by the key the page gave it (a page may hold two: the
// workshop's and a pair's); Streamlit calls this module again on every rerun of the
// element. Not by the frontend's own key: the browser may hand one element's frontend key
// on to another element drawn in its place, and two listeners sharing one record would
// ask with one's data and the other's version.
const instances = new Map();

function wait(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function ask(instance, seen, signal) {
  const { data } = instance;
  const query = new URLSearchParams({ code: data.code, hold: String(data.hold_s) });
  if (seen !== null && seen !== undefined) query.set("seen", String(seen));
  if (data.of === "phone") query.set("of", "phone");
  if (data.of === "pair") {
    query.set("of", "pair");
    query.set("pair", data.pair);
  }
  // Give up on an answer well past the hold (a proxy that swallowed it), on browsers that
  // can combine abort signals; elsewhere the proxy's own timeout ends it.
  const combined =
    typeof AbortSignal.any === "function" && typeof AbortSignal.timeout === "function"
      ? AbortSignal.any([signal, AbortSignal.timeout((data.hold_s + 15) * 1000)])
      : signal;
  const reply = await fetch(`${data.endpoint}?${query}`, {
    cache: "no-store",
    credentials: "same-origin",
    signal: combined,
  });
  if (!reply.ok) throw new Error(`status ${reply.status}`);
  const body = await reply.json();
  if (!body || !("version" in body)) throw new Error("not an answer");
  const version = body.version;
  if (version !== null && !Number.isInteger(version)) throw new Error("not a version");
  return version;
}

function report(instance, listening) {
  if (instance.listening === listening) return;
  instance.listening = listening;
  instance.setStateValue("listening", listening);
}

function rerunSoon(instance, signal) {
  const { data } = instance;
  const sinceDrawn = Date.now() - instance.drawnAt;
  const delay = Math.max(0, data.gap_ms - sinceDrawn) + Math.random() * data.spread_ms;
  return wait(delay, signal).then(() => {
    if (!signal.aborted) {
      instance.drawnAt = Date.now();
      instance.setTriggerValue("stale", true);
    }
  });
}

async function retryUnread(instance, signal) {
  while (!signal.aborted) await rerunSoon(instance, signal);
}

async function listen(instance, signal) {
  let failures = 0;
  // Until the endpoint has answered, the first question carries no version: the server
  // answers at once, which tells this page whether it can stop polling.
  let seen = instance.listening === true ? instance.data.version : null;
  while (!signal.aborted) {
    let version;
    try {
      version = await ask(instance, seen, signal);
    } catch (_error) {
      if (signal.aborted) return;
      // Unreachable, refused or cut short: the page polls as it always did, quietly, and
      // this listener tries again now and then.
      report(instance, false);
      await wait(RETRY_MS[Math.min(failures, RETRY_MS.length - 1)], signal);
      failures += 1;
      seen = null;
      continue;
    }
    failures = 0;
    report(instance, true);
    if (version !== instance.data.version) {
      await rerunSoon(instance, signal);
      // Until the rerun draws a newer version, keep asking from the one drawn: a rerun that
      // could not see the change yet gets another one, no faster than gap_ms.
    }
    seen = instance.data.version;
  }
}

export default function listener(component) {
  const { data, key, parentElement, setStateValue, setTriggerValue } = component;
  const id = data.name || (typeof key === "string" && key ? key : parentElement);
  let instance = instances.get(id);
  if (!instance) {
    instance = { listening: undefined, controller: null, drawnAt: Date.now() };
    instances.set(id, instance);
  }
  // Start from what the server last heard, so an element drawn again does not report it
  // again (each report costs the page a run), and an element the server forgot (left out of
  // a run, then drawn again) reports anew.
  if (typeof data.listening === "boolean") instance.listening = data.listening;
  instance.data = data;
  instance.setStateValue = setStateValue;
  instance.setTriggerValue = setTriggerValue;
  instance.drawnAt = Date.now();

  if (instance.controller) instance.controller.abort();
  const controller = new AbortController();
  instance.controller = controller;
  if (data.version === null) {
    // Nothing was drawn from the workshop (the database was out of reach): try again
    // every usual period, whether or not anything moved, until a run draws a version. A
    // run that could not read it either draws this element with the same data, which
    // need not call this module again: the loop, not that call, keeps the page trying.
    retryUnread(instance, controller.signal);
  } else {
    listen(instance, controller.signal);
  }
  return () => {
    controller.abort();
    if (instance.controller === controller) instance.controller = null;
  };
}
