// Bedrock countdown: ticks in the browser from the server's deadline.
//
// Data from Python (numbers, booleans and fixed labels only):
//   deadline_ms    epoch ms when the timer ends, or null when it is not running
//   remaining_ms   what is left at server_now_ms (frozen value while paused or idle)
//   duration_ms    the timer's full length: the display never shows more
//   server_now_ms  the server's clock when the page was rendered
//   running        true while the timer counts down (including after it ran out)
//   state          "idle" | "running" | "paused" | "over"
//   chime          play a soft chime once when this deadline is reached
//   size           "huge" | "large" | "small"
//   label          caption, only ever written with textContent
//   over_text, paused_text   the face's words at the end and while paused, in the screen's
//                  language (written with textContent)
//   announce       false when the page's own announcer says "Time is up" instead
//
// The device clock may be wrong by minutes: every data update measures the offset
// between the server's clock and this device's, so every screen shows the same time.
// The element's data-server-now attribute names the server moment the display last
// synced to, so anyone checking that screens agree can see what each one counts from.

const TICK_MS = 250;
const URGENT_MS = 60_000;
// A deadline noticed much later than this (a phone that slept) passes silently.
const CHIME_GRACE_MS = 5_000;
const SIZES = new Set(["huge", "large", "small"]);
const STATES = new Set(["idle", "running", "paused", "over"]);

// Shared by every countdown on the page: one chime per deadline, one audio context.
const chimedDeadlines = new Set();
let audioContext = null;
let unlockListening = false;

// Per rendered countdown: survives Streamlit reruns, which call this module again with
// new data on the same element.
const instances = new WeakMap();

function formatClock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  if (hours > 0) {
    return `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`;
  }
  return `${minutes}:${seconds}`;
}

function getAudioContext() {
  const Ctor = window.AudioContext || window.webkitAudioContext;
  if (!Ctor) return null;
  if (audioContext === null) {
    try {
      audioContext = new Ctor();
    } catch (_error) {
      return null;
    }
  }
  return audioContext;
}

// Browsers keep audio muted until the person has touched the page: the first tap or
// key press anywhere wakes the audio context so the chime can sound later.
function listenForAudioUnlock() {
  if (unlockListening) return;
  unlockListening = true;
  const unlock = () => {
    const ctx = getAudioContext();
    if (ctx && ctx.state === "suspended") ctx.resume().catch(() => {});
  };
  document.addEventListener("pointerdown", unlock, { capture: true, passive: true });
  document.addEventListener("keydown", unlock, { capture: true, passive: true });
}

function playChime() {
  const ctx = getAudioContext();
  if (!ctx) return;
  if (ctx.state === "suspended") ctx.resume().catch(() => {});
  const start = ctx.currentTime + 0.05;
  // Two gentle sine notes, a fifth apart, fading out: noticeable, not alarming.
  [
    [659.25, 0],
    [987.77, 0.35],
  ].forEach(([frequency, offset]) => {
    const oscillator = ctx.createOscillator();
    const gain = ctx.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.18, start + offset + 0.04);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 1.4);
    oscillator.connect(gain);
    gain.connect(ctx.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 1.5);
  });
}

function readData(raw) {
  const data = raw && typeof raw === "object" ? raw : {};
  const number = (value, fallback) => (Number.isFinite(value) ? value : fallback);
  return {
    deadline: Number.isFinite(data.deadline_ms) ? data.deadline_ms : null,
    remaining: Math.max(0, number(data.remaining_ms, 0)),
    duration: Number.isFinite(data.duration_ms) ? Math.max(0, data.duration_ms) : Infinity,
    serverNow: number(data.server_now_ms, Date.now()),
    running: data.running === true,
    state: STATES.has(data.state) ? data.state : "idle",
    chime: data.chime === true,
    size: SIZES.has(data.size) ? data.size : "large",
    label: typeof data.label === "string" ? data.label : "",
    announce: data.announce !== false,
    overText: typeof data.over_text === "string" && data.over_text ? data.over_text : "Time's up",
    pausedText: typeof data.paused_text === "string" && data.paused_text ? data.paused_text : "Paused",
  };
}

function render(instance) {
  const { data, elements } = instance;
  const counting = data.running && data.deadline !== null;
  // Clamped like Timer.remaining: a server whose clock lags the one that started the
  // timer must not show more time than the timer was set for.
  const remaining = counting
    ? Math.min(data.duration, Math.max(0, data.deadline - (Date.now() + instance.skew)))
    : data.remaining;
  const over = counting ? remaining <= 0 : data.state === "over";
  const state = over ? "over" : counting ? "running" : data.state === "paused" ? "paused" : "idle";
  const urgent = !over && remaining <= URGENT_MS && (state === "running" || state === "paused");

  const shown = over ? data.overText : formatClock(remaining);
  if (elements.face.textContent !== shown) elements.face.textContent = shown;
  const status = state === "paused" ? data.pausedText : "";
  if (elements.status.textContent !== status) elements.status.textContent = status;
  if (elements.root.dataset.state !== state) elements.root.dataset.state = state;
  const long = !over && shown.length > 5 ? "true" : "false";
  if (elements.root.dataset.long !== long) elements.root.dataset.long = long;
  const urgentFlag = urgent ? "true" : "false";
  if (elements.root.dataset.urgent !== urgentFlag) elements.root.dataset.urgent = urgentFlag;

  if (counting && over) {
    const key = data.deadline;
    const seenRunning = instance.sawTimeLeftFor === key;
    const late = Date.now() + instance.skew - data.deadline;
    if (seenRunning && !instance.announcedFor.has(key)) {
      instance.announcedFor.add(key);
      if (data.announce) elements.announce.textContent = data.overText;
      if (data.chime && late <= CHIME_GRACE_MS && !chimedDeadlines.has(key)) {
        chimedDeadlines.add(key);
        try {
          playChime();
        } catch (_error) {
          // No audio output on this device: the words on screen are enough.
        }
      }
    }
  } else if (counting) {
    instance.sawTimeLeftFor = data.deadline;
    if (elements.announce.textContent !== "") elements.announce.textContent = "";
  } else if (elements.announce.textContent !== "" && state !== "over") {
    elements.announce.textContent = "";
  }
}

export default function countdown(component) {
  const { parentElement } = component;
  const root = parentElement.querySelector(".bedrock-countdown");
  if (!root) return undefined;

  let instance = instances.get(root);
  if (!instance) {
    instance = {
      elements: {
        root,
        label: root.querySelector(".bc-label"),
        face: root.querySelector(".bc-face"),
        status: root.querySelector(".bc-status"),
        announce: root.querySelector(".bc-announce"),
      },
      interval: null,
      sawTimeLeftFor: null,
      announcedFor: new Set(),
    };
    instances.set(root, instance);
  }

  const data = readData(component.data);
  instance.data = data;
  instance.skew = data.serverNow - Date.now();
  root.dataset.serverNow = String(data.serverNow);

  root.dataset.size = data.size;
  if (instance.elements.label.textContent !== data.label) {
    instance.elements.label.textContent = data.label;
  }
  instance.elements.label.hidden = data.label === "";
  if (data.chime) listenForAudioUnlock();

  render(instance);
  // Streamlit calls this module again on every rerun; keep exactly one ticking interval.
  if (instance.interval !== null) clearInterval(instance.interval);
  const interval = setInterval(() => render(instance), TICK_MS);
  instance.interval = interval;

  return () => {
    if (instance.interval === interval) {
      clearInterval(interval);
      instance.interval = null;
    }
  };
}
