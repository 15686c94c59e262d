"""report/driver.py - the driver: arguments, the output directory, the page
built and installed, signals and the exit status."""

import io
import os
import shutil
import signal
import sys
import warnings

from .base import (EXIT_FAIL, EXIT_INTERRUPTED, EXIT_OK, EXIT_STDOUT_CLOSED, EXIT_USAGE,
                   EXIT_USAGE_FROM_MINRISK, FIG_DPI, InputError, Interrupted, MARKER, Run, attr, h5py, np,
                   plt, read_attribution, req)
from .figures import esc
from .page import Page, attribution_sections, meta_table, run_meta_rows, run_sections
from .sweep import read_sweep, sweep_variant_list, variant_label
from .multi import multi_sections, multi_uk_sections, read_difference
from .uncertainty import read_uncertainty, uncertainty_meta_rows, uncertainty_sections
from .base import _MISSING, _MPL_TMP

# ---- driver ----------------------------------------------------------------------

def progress(quiet, msg):
    if not quiet and sys.stderr is not None and sys.stderr.isatty():  # None: fd 2 closed
        sys.stderr.write("report: %s\n" % msg)
        sys.stderr.flush()


def report_file(name):
    """A name the report writes: report.html, fig-*.png, fig-*.svg, the marker."""
    return name in ("report.html", MARKER) or (name.startswith("fig-") and
                                               name.endswith((".png", ".svg")))


def check_output(out_dir):
    """The output directory may be made (or replaced, if an earlier report
    that holds only what a report writes: until 2026-12-07 a file of the
    user's in it was deleted with it)."""
    parent = os.path.dirname(out_dir) or "."
    if not os.path.isdir(parent):
        raise InputError("%s: cannot write: directory '%s' does not exist" % (out_dir, parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError("%s: cannot write to directory '%s'" % (out_dir, parent))
    if os.path.lexists(out_dir):
        if not os.path.isdir(out_dir) or os.path.islink(out_dir):
            raise InputError("%s: exists and is not a directory" % out_dir)
        names = os.listdir(out_dir)
        if names and not os.path.exists(os.path.join(out_dir, MARKER)):
            raise InputError("%s: exists and is not a minrisk report directory (no %s): remove it or "
                             "choose another -o" % (out_dir, MARKER))
        others = sorted(n for n in names if not report_file(n))
        if others:
            more = " (and %d more)" % (len(others) - 1) if len(others) > 1 else ""
            raise InputError("%s: an earlier report, but %s%s is not one of its files and would "
                             "be deleted with it: move it out or choose another -o"
                             % (out_dir, os.path.join(out_dir, others[0]), more))


def remove_stale(out_dir):
    """Under `minrisk report`'s lock: remove DIR.tmp.<pid> and DIR.old.<pid> (this script's
    own names) whose process is gone: a report killed by SIGKILL. A live
    process's, or another user's (EPERM), stay."""
    parent = os.path.dirname(out_dir) or "."
    base = os.path.basename(out_dir)
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for n in sorted(names):
        for kind in (".tmp.", ".old."):
            pid = n[len(base) + len(kind):]
            if not (n.startswith(base + kind) and pid.isdigit() and len(pid) <= 9):
                continue
            full = os.path.join(parent, n)
            if os.path.islink(full) or not os.path.isdir(full):
                continue
            try:
                os.kill(int(pid), 0)
                continue  # alive
            except ProcessLookupError:
                pass
            except OSError:
                continue  # EPERM: another user's process
            shutil.rmtree(full, ignore_errors=True)
            if not os.path.lexists(full):
                say("minrisk report: removed stale temporary %s (process %s is gone)\n" % (full, pid))


def build(path, quiet, version, tmp):
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise InputError("not a minrisk file (not HDF5, or damaged)") from None
    with f:
        if attr(f, "format") != "minrisk" or "format_version" not in f.attrs:
            raise InputError("not a minrisk file")
        fv = [int(v) for v in np.ravel(f.attrs["format_version"])]
        if not fv or fv[0] != 1:
            raise InputError("unsupported format_version %s (this report reads 1.x)"
                             % ".".join(str(v) for v in fv))
        kind = attr(f, "kind", "run")
        progress(quiet, "reading %s (%s)" % (path, kind))
        if kind == "run":
            runs = [Run(f, f, "run")]
        elif kind == "compare":
            rg = req(f, "runs")
            names = sorted(rg.keys())
            if not names:
                raise InputError("/runs is empty")
            runs = [Run(f, rg[n], n) for n in names]
            for r in runs:
                r.legend = "%s: %s" % (r.label, r.name if len(r.name) <= 40 else r.name[:38] + "...")
        elif kind == "sweep":
            vg = req(f, "variants")
            sweep = read_sweep(f)
            names = list(sweep["variant"]) if sweep is not None else sorted(vg.keys())
            missing = [n for n in names if n not in vg]
            if missing:
                raise InputError("/variants has no group %s (listed in /sweep/variant)" % missing[0])
            runs = [Run(f, vg[n], variant_label(sweep, i) or n) for i, n in enumerate(names)]
            if sweep is not None and sweep["setting"] is not None and sweep["parameter"]:
                title = " / ".join(p.rsplit(".", 1)[-1] for p in sweep["parameter"])
                for i, r in enumerate(runs):
                    r.legend = " / ".join(str(v) for v in sweep["setting"][i])
                    r.legend_title = title
        elif kind == "uncertainty":
            unc = read_uncertainty(f)
            runs = [Run(f, req(f, "base"), "base")]
        else:
            raise InputError("unknown file kind '%s' (this report reads run, compare, sweep, uncertainty)"
                             % kind)
        att = read_attribution(f)
        if kind == "run":
            title = runs[0].name
        elif kind == "compare":
            title = "Comparison: " + " vs ".join(r.name for r in runs[:4])
        elif kind == "uncertainty":
            title = "Uncertainty: " + (attr(f, "scenario_name", "") or runs[0].name)
        else:  # every variant has the sweep's scenario name: say it once
            title = "Sweep: " + (attr(f, "scenario_name", "") or runs[0].name)
        page = Page("minrisk report: " + title)
        head = ["<header><h1>%s</h1>" % esc(title)]
        if kind == "run" and runs[0].description:
            head.append('<p class="desc">%s</p>' % esc(runs[0].description))
        rows = run_meta_rows(runs[0], f, path, version)
        if kind == "compare":
            rows[0] = ("Runs", "; ".join("%s = %s" % (esc(r.label), esc(r.name)) for r in runs))
            rows.insert(1, ("Kind", esc(kind)))
        elif kind == "sweep":
            rows[0] = ("Scenario", esc(attr(f, "scenario_name", "") or runs[0].name))
            over = (" over " + " x ".join(esc(p) for p in sweep["parameter"])
                    if sweep is not None and sweep["parameter"] else "")
            rows.insert(1, ("Kind", "sweep of %d variants%s" % (len(runs), over)))
            rows.insert(2, ("Variants", sweep_variant_list(sweep, names, runs)))
        if kind == "uncertainty":
            rows = uncertainty_meta_rows(unc, runs[0], f, path, version)
        head.append(meta_table(rows))
        head.append("</header>")
        if kind == "run":
            run_sections(page, runs[0], f, att)
        elif kind == "uncertainty":
            uncertainty_sections(page, unc, runs[0])
        else:
            multi_uk_sections(page, kind, runs)
            multi_sections(page, f, kind, runs, read_difference(f) if kind == "compare" else None,
                           sweep if kind == "sweep" else None)
            if att is not None:
                attribution_sections(page, att, runs[0])
        page.add('<footer class="note"><p>Generated by <code>minrisk report</code> %s from %s. '
                 'docs/REPORT.md explains every figure and error estimate.</p></footer>'
                 % (esc(version), esc(os.path.basename(path))))
        for i, fg in enumerate(page.figures):
            if _SIGNALLED or os.getppid() != _PARENT:  # a swallowed signal; minrisk gone
                raise KeyboardInterrupt()
            progress(quiet, "figure %d/%d: %s" % (i + 1, len(page.figures), fg.id))
            buf = io.BytesIO()
            fg.fig.savefig(buf, format="png", dpi=FIG_DPI, metadata={"Software": None})
            fg.png = buf.getvalue()
            w, h = fg.fig.canvas.get_width_height()
            fg.size = (int(w), int(h))
            with open(os.path.join(tmp, "fig-%s.png" % fg.id), "wb") as out:
                out.write(fg.png)
            fg.fig.set_layout_engine("none")  # keep the layout just computed for the SVG
            fg.fig.savefig(os.path.join(tmp, "fig-%s.svg" % fg.id), format="svg",
                           metadata={"Date": None})
            plt.close(fg.fig)
        text = page.render("\n".join(head))
        with open(os.path.join(tmp, "report.html"), "w", encoding="utf-8") as out:
            out.write(text)
        with open(os.path.join(tmp, MARKER), "w", encoding="utf-8") as out:
            out.write("minrisk report %s of %s\n" % (version, os.path.basename(path)))
        return len(page.figures), len(text)


def install(tmp, out_dir):
    if os.path.isdir(out_dir):
        old = "%s.old.%d" % (out_dir, os.getpid())
        os.rename(out_dir, old)
        try:
            os.rename(tmp, out_dir)
        except OSError:
            os.rename(old, out_dir)  # the earlier report back at its name
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, out_dir)


def say(text):
    """text on stderr. Closed (fd 2 not open: sys.stderr is None) or a pipe
    whose reader is gone, the line is lost but not the exit status: the
    write raised, and the script ended with a traceback and 1 (bad input
    read as a failure), or 120 at the exit's flush. fd 2 then points to
    /dev/null, so that the exit's flush of what is left succeeds."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (AttributeError, OSError, ValueError):
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
        except OSError:
            pass


def parse_args(argv):
    path = out_dir = None
    quiet = False
    version = "?"
    i = 0
    options = True  # until "--": after it a file named -x.h5 is a file
    while i < len(argv):
        a = argv[i]
        if options and a == "--":
            options = False
        elif not options:
            if path is not None:
                raise InputError("unexpected argument '%s'" % a)
            path = a
        elif a in ("-o", "--output", "--minrisk-version"):
            if i + 1 >= len(argv):
                raise InputError("option '%s' needs a value" % a)
            i += 1
            if a == "--minrisk-version":
                version = argv[i]
            else:
                out_dir = argv[i]
        elif a in ("-q", "--quiet"):
            quiet = True
        elif a.startswith("-") and a != "-":
            raise InputError("unknown option '%s'" % a)
        elif path is None:
            path = a
        else:
            raise InputError("unexpected argument '%s'" % a)
        i += 1
    if path is None:
        raise InputError("missing FILE.h5")
    if not out_dir:
        base = os.path.basename(path)
        if base.endswith(".h5"):
            base = base[:-3]
        out_dir = base + "-report"
    out_dir = out_dir.rstrip("/") or "/"
    return path, out_dir, quiet, version


# A signal seen, even where a library swallows the exception it raises (a
# KeyboardInterrupt raised inside h5py's Cython logging callback is printed
# as "Exception ignored" and the report went on; main checks this flag
# before it installs the report).
_SIGNALLED = []


def on_term(signum, frame):
    _SIGNALLED.append(signum)
    raise Interrupted()


def on_int(signum, frame):
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt()


# The process that started this script: `minrisk report`, which holds
# DIR.lock and passes the exit status on. When it is gone (killed outright,
# SIGKILL, or by a signal it does not catch), the report is not installed:
# no one waits for it, and a report appearing after the command ended, under
# a lock that was no longer held, would pass for its output.
_PARENT = os.getppid()


def main(argv):
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)  # a dropped session: as SIGTERM (it killed the script)
    signal.signal(signal.SIGINT, on_int)
    usage = EXIT_USAGE
    if argv[:1] == ["--from-minrisk"]:  # first, before any argument can be bad
        argv, usage = argv[1:], EXIT_USAGE_FROM_MINRISK
    try:
        path, out_dir, quiet, version = parse_args(argv)
    except InputError as e:
        say("minrisk report: %s (see 'minrisk report --help')\n" % e)
        return usage
    tmp = None
    if _MISSING:
        say("minrisk report: Python module %s is missing (Debian: apt install "
                         "python3-numpy python3-h5py python3-matplotlib)\n" % _MISSING)
        return EXIT_FAIL
    warnings.simplefilter("ignore")
    try:
        if not os.path.isfile(path):
            raise InputError("cannot open: %s" % ("not a regular file" if os.path.exists(path)
                                                  else "No such file or directory"))
        try:
            check_output(out_dir)
        except InputError as e:
            say("%s\n" % e)
            return usage
        remove_stale(out_dir)
        tmp = "%s.tmp.%d" % (out_dir, os.getpid())
        os.mkdir(tmp)
        nfig, nbytes = build(path, quiet, version, tmp)
        # From here a signal can no longer interrupt: either it came before
        # (the flag) and nothing is installed, or the report is installed
        # whole and a later one is dropped (ignored in `finally`).
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
        if _SIGNALLED or os.getppid() != _PARENT:
            raise KeyboardInterrupt()
        install(tmp, out_dir)
        tmp = None
        if not quiet:
            try:
                sys.stdout.write("wrote %s (%d figures, %.1f MB; figures also as PNG and SVG in %s/)\n"
                                 % (os.path.join(out_dir, "report.html"), nfig, nbytes / 1e6, out_dir))
                sys.stdout.flush()
            except BrokenPipeError:  # `| head` gone: the report stands; minrisk report ends by SIGPIPE
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the exit's flush: no error
                return EXIT_STDOUT_CLOSED
        return EXIT_OK
    except InputError as e:
        say("%s: %s\n" % (path, e))
        return usage
    except (KeyboardInterrupt, Interrupted):
        _ignore_signals()  # a second signal here would skip the clean-up
        say("minrisk report: interrupted; nothing written to %s\n" % out_dir)
        return EXIT_INTERRUPTED
    except OSError as e:
        if e.errno is None and e.filename is None:
            # HDF5's read error through h5py (no errno, no file name): a
            # damaged input, which the binary's check before this script
            # cannot see all of; a write's failure has an errno. Until
            # 2026-12-08 this named the output directory and exited 1.
            say("%s: damaged or incomplete minrisk file: %s\n" % (path, e))
            return usage
        say("%s: %s\n" % (e.filename or out_dir, e.strerror or e))
        return EXIT_FAIL
    except Exception as e:  # a bug: still one line, the traceback on request
        if os.environ.get("MINRISK_REPORT_DEBUG"):
            import traceback
            traceback.print_exc()
        where, tb = "report.py line 0", e.__traceback__
        here = os.path.dirname(os.path.abspath(__file__))
        while tb is not None:  # the deepest line of this package
            code = tb.tb_frame.f_code.co_filename
            if os.path.dirname(os.path.abspath(code)) == here:
                where = "report/%s line %d" % (os.path.basename(code), tb.tb_lineno)
            tb = tb.tb_next
        say("%s: report failed: %s: %s (%s)\n"
                         % (path, type(e).__name__, e, where))
        return EXIT_FAIL
    finally:
        _ignore_signals()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if _MPL_TMP is not None:
            shutil.rmtree(_MPL_TMP, ignore_errors=True)


def _ignore_signals():
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
