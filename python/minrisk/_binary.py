"""Running the minrisk binary: finding it, passing its progress through to
sys.stderr, and turning a failure into MinriskError with its one-line
message."""

import os
import re
import shutil
import signal
import subprocess
import sys

__all__ = ["MinriskError", "binary", "call"]


class MinriskError(Exception):
    """The minrisk binary refused or failed.

    str(e) and e.message are the binary's one-line message (for a bad
    scenario `file:line:col: key.path: message`); e.returncode is its exit
    status (2: bad input, 1: other failure, 130: interrupted), e.command the
    command line, e.stderr everything it wrote on stderr. For a bad scenario
    e.path, e.line, e.column and e.key are the parts of the message (None
    when the message has no such form), and e.text the text of the file
    e.path when the error was raised (None without one), so that
    e.text.splitlines()[e.line - 1] is the line at fault even when the file
    was a temporary copy of a Scenario, gone by the time the error is seen. `minrisk validate` reports every
    error it finds, in file order: e.errors lists those lines (the
    `file:line:col: ...` lines of stderr, without the warnings), and the
    message is the first of them; [] when there are none."""

    def __init__(self, message, returncode=None, command=None, stderr="", errors=None):
        super().__init__(message)
        self.message = message
        self.returncode = returncode
        self.command = command
        self.stderr = stderr
        self.errors = list(errors or [])
        self.path = self.line = self.column = self.key = self.text = None
        m = re.match(r"^(.+?):(\d+):(\d+): (.*)$", message)
        if m:
            self.path, self.line, self.column = m.group(1), int(m.group(2)), int(m.group(3))
            rest = m.group(4)
            self.key = rest.split(": ", 1)[0] if ": " in rest else None


# tracebacks and repr name it as the package exports it (docs/PYTHON.md)
MinriskError.__module__ = "minrisk"


def binary():
    """The minrisk binary: $MINRISK_BIN if set, else `minrisk` on PATH, else
    the one installed beside this package (<prefix>/bin/minrisk when the
    package is under <prefix>/lib/python3/dist-packages), else, when the
    package is imported from a source tree (<root>/python/minrisk beside
    <root>/CMakeLists.txt), the README's build, <root>/build/minrisk."""
    env = os.environ.get("MINRISK_BIN")
    if env:
        if not (os.path.isfile(env) and os.access(env, os.X_OK)):
            raise MinriskError("MINRISK_BIN=%s: not an executable file" % env)
        return env
    found = shutil.which("minrisk")
    if found:
        return found
    here = os.path.dirname(os.path.abspath(__file__))
    beside = os.path.normpath(os.path.join(here, "..", "..", "..", "..", "bin", "minrisk"))
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    root = os.path.normpath(os.path.join(here, "..", ".."))
    if os.path.isfile(os.path.join(root, "CMakeLists.txt")):
        built = os.path.join(root, "build", "minrisk")
        if os.path.isfile(built) and os.access(built, os.X_OK):
            return built
        raise MinriskError("cannot find the minrisk binary: %s is not built (./run-demo.sh builds it), "
                           "or put minrisk on PATH or set MINRISK_BIN" % built)
    raise MinriskError("cannot find the minrisk binary: put it on PATH or set MINRISK_BIN")


def _error_lines(text):
    """The `file:line:col: key: message` lines of a bad input's stderr, in
    order (warnings, progress and `... and N more` lines left out)."""
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line.split("\r")[-1].strip()
        if re.match(r"^.+?:\d+:\d+: ", line) and not line.startswith("warning:"):
            out.append(line)
    return out


def _last_line(text):
    """The binary's message: the last non-empty line of its stderr (a
    progress line overwritten with \\r counts as its last part only)."""
    for line in reversed(text.replace("\r\n", "\n").split("\n")):
        line = line.split("\r")[-1].strip()
        if line:
            return line
    return ""


def call(args, progress=True, with_stderr=False):
    """Run `minrisk ARGS`; return its stdout (str), or with with_stderr the
    pair (stdout, stderr). Its stderr (progress, notes, closing lines) goes
    to sys.stderr as it comes unless progress is False. The binary shows
    its progress line only on a terminal, so its stderr is a
    pseudo-terminal whose output is copied to sys.stderr (a terminal, a
    Jupyter cell, a log); a pipe where no pseudo-terminal can be had. Exit
    status not 0: MinriskError with the last line of stderr."""
    cmd = [binary()] + [str(a) for a in args]
    master = slave = None
    if progress:
        try:
            import pty
            master, slave = pty.openpty()
        except (ImportError, OSError):
            master = slave = None
    if slave is not None:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        err_r = master
    else:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err_r = None
    out, err = _finish(proc, cmd, progress, pty_fd=err_r)
    return (out, err) if with_stderr else out


def _finish(proc, cmd, progress, pty_fd=None):
    import codecs
    import threading
    out_chunks = []
    # a character whose bytes two reads split is decoded whole
    decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def read_stdout():
        out_chunks.append(proc.stdout.read())

    t = threading.Thread(target=read_stdout, daemon=True)
    t.start()
    err = bytearray()
    fd = pty_fd if pty_fd is not None else proc.stderr.fileno()

    def pump():  # stderr to its end, copied to sys.stderr with progress
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # a pseudo-terminal reports EIO once the child has closed it
                chunk = b""
            if not chunk:
                break
            err.extend(chunk)
            if progress:
                text = decoder.decode(chunk)
                if pty_fd is not None:
                    text = text.replace("\r\n", "\n")
                sys.stderr.write(text)
                sys.stderr.flush()
        if progress:
            sys.stderr.write(decoder.decode(b"", final=True))

    try:
        pump()
        rc = proc.wait()
    except KeyboardInterrupt:
        # Ctrl-C (a Jupyter interrupt reaches only Python) stops the binary
        # as its own Ctrl-C does: SIGINT, nothing kept, exit status 130, and
        # its closing line shown. Until 2026-12-08 SIGTERM, which makes
        # `run` write a checkpoint (FILE.ckpt) that no one was told about.
        proc.send_signal(signal.SIGINT)
        pump()
        proc.wait()
        raise
    finally:
        if pty_fd is not None:
            os.close(pty_fd)
    t.join()
    out = (out_chunks[0] if out_chunks else b"").decode("utf-8", "replace")
    err_text = err.decode("utf-8", "replace")
    if rc != 0:
        errors = _error_lines(err_text) if rc == 2 else []
        msg = (errors[0] if errors else _last_line(err_text)) or \
            "minrisk %s: exit status %d" % (cmd[1] if len(cmd) > 1 else "", rc)
        e = MinriskError(msg, returncode=rc, command=cmd, stderr=err_text, errors=errors)
        if e.path:  # read while a Scenario's temporary copy still exists
            try:
                with open(e.path, encoding="utf-8", errors="replace") as fh:
                    e.text = fh.read()
            except OSError:
                pass
        raise e
    return out, err_text
