"""Browser components of our own (components.v2, inline JS): the countdown that ticks from the
server's deadline, the device token kept in localStorage, and the live region that tells a
screen reader what changed."""
