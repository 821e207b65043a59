// Bedrock announcer: a polite live region that screen readers read out, drawing nothing.
//
// Data from Python (fixed sentences of our own, and names a couple typed, only ever written
// with textContent):
//   message        what to say now, or ""
//   message_id     grows with every new message: the same words said twice are two messages
//   cues           [{at_ms, text}]: what to say when this device's clock, corrected to the
//                  server's, reaches at_ms
//   server_now_ms  the server's clock when the page was drawn
//
// A cue whose moment passed more than CUE_GRACE_MS before it was noticed (a phone that
// slept, a page opened late) is not said: it would no longer be true. Within it, a cue is
// still said: a timer the facilitator cut short says "Time is up" when the phone hears of it.

const CHECK_MS = 500;
const CUE_GRACE_MS = 15_000;
const CLEAR_MS = 60;

const instances = new WeakMap();

function say(instance, text) {
  const region = instance.region;
  // Emptied first, then written: screen readers read a change, also to the same words.
  region.textContent = "";
  clearTimeout(instance.pending);
  instance.pending = setTimeout(() => {
    region.textContent = text;
    region.dataset.said = String(Number(region.dataset.said || "0") + 1);
  }, CLEAR_MS);
}

function readCues(raw) {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((cue) => cue && Number.isFinite(cue.at_ms) && typeof cue.text === "string")
    .map((cue) => ({ at: cue.at_ms, text: cue.text, key: `${cue.at_ms}|${cue.text}` }));
}

function checkCues(instance) {
  const now = Date.now() + instance.skew;
  for (const cue of instance.cues) {
    if (instance.fired.has(cue.key) || now < cue.at) continue;
    instance.fired.add(cue.key);
    if (now - cue.at <= CUE_GRACE_MS) say(instance, cue.text);
  }
}

export default function announcer(component) {
  const root = component.parentElement.querySelector(".bedrock-announcer");
  if (!root) return undefined;
  let instance = instances.get(root);
  if (!instance) {
    instance = { region: root, lastId: null, fired: new Set(), pending: null, interval: null };
    instances.set(root, instance);
  }
  const data = component.data && typeof component.data === "object" ? component.data : {};
  const serverNow = Number.isFinite(data.server_now_ms) ? data.server_now_ms : Date.now();
  instance.skew = serverNow - Date.now();
  instance.cues = readCues(data.cues);

  const id = Number.isFinite(data.message_id) ? data.message_id : 0;
  const message = typeof data.message === "string" ? data.message : "";
  if (instance.lastId === null) {
    instance.lastId = id;
    if (message) say(instance, message);
  } else if (id !== instance.lastId) {
    instance.lastId = id;
    if (message) say(instance, message);
  }

  checkCues(instance);
  if (instance.interval !== null) clearInterval(instance.interval);
  const interval = setInterval(() => checkCues(instance), CHECK_MS);
  instance.interval = interval;
  return () => {
    if (instance.interval === interval) {
      clearInterval(interval);
      instance.interval = null;
    }
  };
}
