"""Browser components of our own (components.v2, inline JS): the countdown that ticks from the
server's deadline, and the device token kept in localStorage."""
