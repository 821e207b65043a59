"""A script to add to a page before it loads: counts every sound the page starts, so a test
can tell a chime played (or stayed silent) without listening."""

COUNT_SOUNDS = """
window.__soundsStarted = 0;
const originalStart = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__soundsStarted += 1;
  return originalStart.apply(this, args);
};
"""

ONE_CHIME = 2
"""Sounds one chime starts: two soft notes."""
