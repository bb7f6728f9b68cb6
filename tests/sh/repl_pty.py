"""A tiny expect-like driver: run ibsh in a pseudo-terminal, type, and wait for output.

Used by tests/sh/test_repl_*.sh (Debian's /usr/bin/python3, standard library only).
"""
import os
import pty
import re
import select
import signal
import sys
import time


class Session:
    """One ibsh process on a pseudo-terminal, with everything it printed so far."""

    def __init__(self, argv, env=None, cols=200):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(argv[0], argv, env if env is not None else os.environ)
        import fcntl, struct, termios
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, cols, 0, 0))
        self.output = ""
        self.mark = 0

    def read(self, timeout):
        """Collect whatever arrives within timeout seconds."""
        end = time.time() + timeout
        while True:
            left = end - time.time()
            if left <= 0:
                return
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data.decode("utf-8", "replace")

    def expect(self, pattern, timeout=30):
        """Wait until pattern (a regex) appears after the last match; fail with the transcript if not."""
        regex = re.compile(pattern)
        end = time.time() + timeout
        while True:
            m = regex.search(self.output, self.mark)
            if m:
                self.mark = m.end()
                return m
            if time.time() > end:
                fail("timed out waiting for %r" % pattern, self)
            self.read(0.05)

    def send(self, text):
        """Type text (use \\r for Enter, \\t for Tab, \\x03 for Ctrl-C, \\x04 for Ctrl-D)."""
        os.write(self.fd, text.encode())

    def wait_exit(self, timeout=30):
        """Wait for the process to end and return its exit status (-signal if killed)."""
        end = time.time() + timeout
        while time.time() < end:
            self.read(0.05)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        fail("process did not exit", self)


def fail(message, session=None):
    """Print the message and the transcript, then exit 1."""
    sys.stderr.write("FAIL: %s\n" % message)
    if session is not None:
        sys.stderr.write("---- transcript ----\n%s\n--------------------\n" % session.output)
    sys.exit(1)


def clean_env(tmpdir):
    """An environment with its own HOME and history file, no startup code."""
    env = dict(os.environ)
    env["HOME"] = tmpdir
    env["IBSH_HISTORY"] = os.path.join(tmpdir, "history")
    env.pop("IBSH_INIT", None)
    env["TERM"] = "xterm"
    inputrc = os.path.join(tmpdir, "inputrc")
    with open(inputrc, "w") as f:
        f.write("set enable-bracketed-paste off\nset bell-style none\n")
    env["INPUTRC"] = inputrc
    return env
