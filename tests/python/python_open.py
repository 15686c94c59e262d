#!/usr/bin/python3
"""python_open.py SRC [BIN] - minrisk.open against h5py (tests/python/tests.cmake).

Makes a run (scenarios/demo.yaml, 2,000 trials, --events), a comparison
(demo against stress-drc-cobalt, 500 trials) and a sweep (demo, stockpile
months [0, 6] x diversification cap [null, 0.60, 0.50], 200 trials) with
minrisk.run/compare/sweep on 1 thread, then checks, for every run group
of every file:
- each variable of each Dataset minrisk.open gives (coordinates included)
  equals the HDF5 dataset of that name read with h5py: same shape, values
  bit for bit (NaN where NaN; strings equal), and no dataset of the group
  is missing;
- `units` is the file's attribute wherever the file has one, and every
  variable has a non-empty `long_name` (the description's first clause,
  checked on hand-made descriptions too);
- display names: `<dim>_name` along mineral/sector/country equals the
  run's /mineral_name..., `source_name` and `series_name` of the
  attribution; `month` along step;
- the sweep's grid: coordinates months = [0, 6] (integers) and
  diversification_cap = [none, 0.60, 0.50] (strings as written), taken
  from /sweep/setting, and combine("summary") picks each variant's own
  /variants/<name>/summary values by them.
Exit status 0 when every check passes, 1 otherwise (each failure printed).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from checks import check, finish, setup


def same_values(a, b):
    """a from xarray, b from h5py: exact."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        return False
    if b.dtype.kind in "OSU" or a.dtype.kind in "OSU":
        conv = np.vectorize(lambda x: x.decode("utf-8") if isinstance(x, bytes) else str(x), otypes=[object])
        return a.size == 0 or bool(np.all(conv(a) == conv(b)))
    if a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return bool(np.array_equal(a.view(np.uint64 if a.itemsize == 8 else np.uint32),
                                   b.view(np.uint64 if b.itemsize == 8 else np.uint32)))
    return bool(np.array_equal(a, b))


def h5_text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def check_run(run, f, tag):
    """Every group of the Run against the h5py group of the same path."""
    g = f[run.group]
    expected = {"root"}
    for key in g:
        obj = g[key]
        if isinstance(obj, h5py.Group) and key not in ("scenario", "run_info"):
            expected.add(key)
            for sub in obj:
                if isinstance(obj[sub], h5py.Group):
                    expected.add(key + "/" + sub)
    check(set(run) == expected, "%s: groups %s, expected %s" % (tag, sorted(run), sorted(expected)))
    for key in run:
        ds = run[key]
        hg = g if key == "root" else g[key]
        names = [k for k in hg if isinstance(hg[k], h5py.Dataset)]
        check(len(names) > 0, "%s/%s: no datasets" % (tag, key))
        for name in names:
            hd = hg[name]
            if name not in ds.variables:
                check(False, "%s/%s: %s missing" % (tag, key, name))
                continue
            v = ds[name]
            raw = hd.asstr()[()] if hd.dtype.kind == "O" else hd[()]
            check(same_values(v.values, raw), "%s/%s/%s: values differ from h5py" % (tag, key, name))
            if "units" in hd.attrs:
                check(v.attrs.get("units") == h5_text(hd.attrs["units"]),
                      "%s/%s/%s: units %r, file %r" % (tag, key, name, v.attrs.get("units"), hd.attrs["units"]))
            check(bool(v.attrs.get("long_name")), "%s/%s/%s: no long_name" % (tag, key, name))
        for dim in ("mineral", "sector", "country"):
            if dim in ds.coords and dim + "_name" in g and ds[dim].dims == (dim,):
                want = dict(zip(g[dim].asstr()[()], g[dim + "_name"].asstr()[()]))
                got = [str(x) for x in ds[dim + "_name"].values]
                check(got == [want[str(i)] for i in ds[dim].values], "%s/%s: %s_name" % (tag, key, dim))
        if "step" in ds.coords:
            mps = float(hg["step"].attrs["months_per_step"])
            check(np.array_equal(ds["month"].values, hg["step"][()] * mps), "%s/%s: month" % (tag, key))
    return g


def main():
    src = setup()
    import minrisk
    from minrisk.files import long_name

    # long_name by hand
    check(long_name("mean over trials of the headline loss over the horizon (all sectors, value added "
                    "lost + extra input cost)") == "Mean over trials of the headline loss over the horizon",
          "long_name: parentheses")
    check(long_name("standard deviation (divisor N-1) over trials of x") == "Standard deviation over trials of x",
          "long_name: inner parentheses")
    check(long_name("headline loss over the horizon: sum over sectors") == "Headline loss over the horizon",
          "long_name: colon")

    demo = os.path.join(src, "scenarios", "demo.yaml")
    with tempfile.TemporaryDirectory(prefix="python_open-") as tmp:
        run = minrisk.run(demo, os.path.join(tmp, "run.h5"), trials=2000, threads=1, events=True,
                          progress=False)
        check(isinstance(run, minrisk.Run), "run: a Run")
        check(run.attrs["trials"] == 2000, "run: trials attribute")
        with h5py.File(run.path, "r") as f:
            check_run(run, f, "run")
            check(run.scenario_source == f["scenario/source"].asstr()[()], "run: scenario source")
            check(run.run_info is not None and run.run_info["threads"] == 1, "run: run_info")
            att = run["attribution"]
            mins = dict(zip(f["mineral"].asstr()[()], f["mineral_name"].asstr()[()]))
            ctry = dict(zip(f["country"].asstr()[()], f["country_name"].asstr()[()]))
            # /attribution/source_name (format 1.6): the scenario's names, events' too
            evs = {"cn-export-controls": "China export controls on gallium, germanium and graphite",
                   "cn-ree-licensing": "China rare-earth export licensing"}  # scenarios/demo.yaml
            for s, n in zip(att["source"].values, att["source_name"].values):
                kind, _, ident = str(s).partition("/")
                want = mins[ident] if kind == "mineral" else ctry[ident] if kind == "country" else \
                    "not attributed (price noise)" if kind == "none" else evs[ident]
                check(str(n) == want, "attribution: source_name of %s is %r, expected %r" % (s, n, want))
            secs = dict(zip(f["sector"].asstr()[()], f["sector_name"].asstr()[()]))
            check([str(n) for n in att["series_name"].values] ==
                  [secs.get(str(s), "Total") for s in att["series"].values], "attribution: series_name")
            check(run["summary"]["total_loss_mean"].attrs["units"] == "GBP", "summary: GBP")
            check("events" in run and run["events"].sizes["event"] == f["events/trial"].shape[0], "events rows")

        cmp_ = minrisk.compare(demo, os.path.join(src, "scenarios", "stress-drc-cobalt.yaml"),
                               os.path.join(tmp, "cmp.h5"), trials=500, threads=1, progress=False)
        check(isinstance(cmp_, minrisk.Comparison) and list(cmp_.runs) == ["a", "b"], "compare: runs a, b")
        with h5py.File(cmp_.path, "r") as f:
            for k, r in cmp_.runs.items():
                check_run(r, f, "compare/" + k)
            d = cmp_.difference
            for name in f["difference"]:
                hd = f["difference"][name]
                raw = hd.asstr()[()] if hd.dtype.kind == "O" else hd[()]
                check(same_values(d[name].values, raw), "difference/%s: values" % name)
            both = cmp_.combine("summary")
            check(same_values(both["total_loss_mean"].values,
                              np.array([f["runs/a/summary/total_loss_mean"][()],
                                        f["runs/b/summary/total_loss_mean"][()]])), "compare: combine")
        # three scenarios, the output as out=: runs a, b, c; the changes along versus
        cmp3 = minrisk.compare(demo, os.path.join(src, "scenarios", "stress-drc-cobalt.yaml"), demo,
                               out=os.path.join(tmp, "cmp3.h5"), trials=500, threads=1, progress=False)
        check(list(cmp3.runs) == ["a", "b", "c"], "compare of three: runs %s" % list(cmp3.runs))
        ch = cmp3.changes()
        check(list(ch.versus.values) == ["b", "c"], "compare of three: versus %s" % list(ch.versus.values))
        check(same_values(ch.estimate.sel(versus="b").values, cmp_.changes().estimate.sel(versus="b").values),
              "compare of three: b - a is the two-scenario comparison's")
        check(bool((ch.estimate.sel(versus="c") == 0).all()), "compare of three: demo against demo is 0")
        both3 = cmp3.combine("summary")
        check(list(both3.run.values) == ["a", "b", "c"], "compare of three: combine along run")
        cmp3.close()

        sc = minrisk.Scenario.load(demo)
        sw = minrisk.sweep(sc, os.path.join(tmp, "sweep.h5"),
                           {"policies.stockpile.months": [0, 6], "policies.diversification_cap": [None, 0.60, 0.50]},
                           trials=200, threads=1, progress=False)
        check(isinstance(sw, minrisk.Sweep), "sweep: a Sweep")
        check(sw.grid == {"months": [0, 6], "diversification_cap": ["none", "0.6", "0.5"]},
              "sweep: grid %r" % (sw.grid,))
        check(sw.key_paths == {"months": "policies.stockpile.months",
                               "diversification_cap": "policies.diversification_cap"}, "sweep: key paths")
        with h5py.File(sw.path, "r") as f:
            setting = f["sweep/setting"].asstr()[()]
            variants = list(f["sweep/variant"].asstr()[()])
            check(list(sw.variants) == variants, "sweep: variants in table order")
            check([str(x) for x in sw.table["months"].values] == list(setting[:, 0]), "sweep: months coordinate")
            check([str(x) for x in sw.table["diversification_cap"].values] == list(setting[:, 1]),
                  "sweep: cap coordinate")
            check(sw.table["months"].dtype.kind == "i", "sweep: months are integers")
            for name in f["sweep"]:
                hd = f["sweep"][name]
                if isinstance(hd, h5py.Group):  # /sweep/grid: sw["grid"], checked below
                    continue
                raw = hd.asstr()[()] if hd.dtype.kind == "O" else hd[()]
                check(same_values(sw.table[name].values, raw), "sweep/%s: values" % name)
            for name, r in sw.variants.items():
                check_run(r, f, "sweep/" + name)
            grid = sw.combine("summary")
            check(grid["total_loss_mean"].dims == ("months", "diversification_cap"), "sweep: grid dims %s"
                  % (grid["total_loss_mean"].dims,))
            for i, name in enumerate(variants):
                m, c = int(setting[i, 0]), str(setting[i, 1])
                got = grid["total_loss_mean"].sel(months=m, diversification_cap=c).values
                want = f["variants/%s/summary/total_loss_mean" % name][()]
                check(same_values(got, want), "sweep: combine at months=%d cap=%s" % (m, c))
                got = grid["sector_loss_es"].sel(months=m, diversification_cap=c).values
                check(same_values(got, f["variants/%s/summary/sector_loss_es" % name][()]),
                      "sweep: sector_loss_es at months=%d cap=%s" % (m, c))
            tg = sw.sweep_grid()
            check(tg["headline"].dims == ("months", "diversification_cap", "metric"),
                  "sweep_grid dims %s" % (tg["headline"].dims,))
            check(tg is sw["grid"] and "variant" in tg.coords, "sweep_grid() is the stored /sweep/grid")
            k = variants.index("months_6__diversification_cap_0.5")
            check(same_values(tg["headline"].sel(months=6, diversification_cap="0.5").values,
                              f["sweep/headline"][k]), "sweep_grid: a variant's headline")
        for x in (run, cmp_, sw):
            x.close()
    # a file that is not HDF5: ValueError naming it (was h5py's OSError
    # "file signature not found", which names no file)
    try:
        minrisk.open(__file__)
        check(False, "open of a non-HDF5 file: no error")
    except ValueError as e:
        want = "%s: not a minrisk result file (not an HDF5 file)" % __file__
        check(str(e) == want, "open of a non-HDF5 file: %r, expected %r" % (str(e), want))
    # a directory, a FIFO or a device: ValueError with the binary's readers'
    # line (out/h5/read.c), at once: h5py waited for a writer on a FIFO for
    # ever and called a directory "unable to synchronously open file (file
    # read failed ... Is a directory)"
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "fifo")
        os.mkfifo(fifo)
        def hung(*_):
            raise TimeoutError("minrisk.open blocked")
        old = signal.signal(signal.SIGALRM, hung)
        for path, kind in ((tmp, "a directory"), (fifo, "a FIFO"), ("/dev/null", "a character device")):
            want = "%s: not a minrisk file (%s, not a regular file)" % (path, kind)
            signal.alarm(10)
            try:
                minrisk.open(path)
                check(False, "open of %s: no error" % kind)
            except ValueError as e:
                check(str(e) == want, "open of %s: %r, expected %r" % (kind, str(e), want))
            except Exception as e:  # noqa: BLE001 (h5py's OSError, or the alarm)
                check(False, "open of %s: %s %s, expected ValueError %r" % (kind, type(e).__name__,
                                                                            str(e)[:120], want))
            finally:
                signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    # a file of another major format_version is refused, as by the binary's
    # readers (until 2026-12-05 it opened, to be read with the wrong layout)
    with tempfile.TemporaryDirectory() as tmp:
        for ver, want in (([2, 0], "unsupported format_version 2.0 (this minrisk reads 1.x)"),
                          (None, "no format_version")):
            path = os.path.join(tmp, "v.h5")
            with h5py.File(path, "w") as f:
                f.attrs["format"] = "minrisk"
                if ver is not None:
                    f.attrs["format_version"] = np.array(ver, dtype=np.int32)
            try:
                minrisk.open(path)
                check(False, "open of a file of format_version %s: no error" % ver)
            except ValueError as e:
                check(want in str(e), "format_version %s: %s" % (ver, e))
        # a comparison, sweep or uncertainty file without the group of its
        # runs is damaged: ValueError naming it, as for any file that is not a
        # readable minrisk file (was a bare KeyError 'runs' from h5py)
        # (and a run file without /summary, which `minrisk summary` calls
        # damaged: until 2026-12-08 it opened as a Run of 'root' alone)
        for kind, missing in (("compare", "/runs"), ("sweep", "/variants"), ("uncertainty", "/base"),
                              ("run", "/summary")):
            path = os.path.join(tmp, "k.h5")
            with h5py.File(path, "w") as f:
                f.attrs["format"] = "minrisk"
                f.attrs["format_version"] = np.array([1, 8], dtype=np.int32)
                if kind != "run":
                    f.attrs["kind"] = kind
            try:
                minrisk.open(path)
                check(False, "open of a %s file without %s: no error" % (kind, missing))
            except ValueError as e:
                want = "%s: damaged or incomplete minrisk file: a %s file without %s" % (path, kind, missing)
                check(str(e) == want, "%s without %s: %r, expected %r" % (kind, missing, str(e), want))
            except Exception as e:  # noqa: BLE001 (the defect: KeyError)
                check(False, "%s without %s: %s %s, expected ValueError" % (kind, missing, type(e).__name__, e))
    damaged_heaps(src)
    interrupted_run(src)
    return finish("python_open")


def summary_line(path):
    """The binary's one line on a file it refuses (`minrisk summary`)."""
    r = subprocess.run([os.environ["MINRISK_BIN"], "summary", path], capture_output=True, text=True)
    return r.returncode, r.stderr.strip()


def damaged_heaps(src):
    """A damaged global heap collection: ValueError with the binary's line
    (out/h5/read.c heap_scan; the package's port, files._heap_damage), at
    once. Until 2026-12-08 h5py read it: the fuzzer's file looped for ever
    (Ctrl-C did nothing) and one bit flipped in a run file crashed Python."""
    import minrisk

    with tempfile.TemporaryDirectory(prefix="python_open-heap-") as tmp:
        hang = os.path.join(tmp, "hang.h5")
        shutil.copy(os.path.join(src, "tests", "fuzz", "regress", "reader", "hdf5_global_heap_hang.h5"), hang)
        # a run file whose first collection's first object claims 2^40 bytes
        big = os.path.join(tmp, "object.h5")
        minrisk.run(os.path.join(src, "scenarios", "demo.yaml"), big, trials=100, threads=1, progress=False)
        with open(big, "r+b") as fh:
            at = fh.read().find(b"GCOL\x01\x00\x00\x00")
            check(at >= 0, "object.h5: no global heap collection")
            fh.seek(at + 16 + 8)
            fh.write((1 << 40).to_bytes(8, "little"))
        for path in (hang, big):
            status, want = summary_line(path)
            check(status == 2 and "global heap collection at byte" in want,
                  "%s: the binary's summary: status %d, %r" % (path, status, want))
            # in a child: a hang or a crash in HDF5 is not Python's to catch
            code = ("import minrisk, sys\ntry:\n    minrisk.open(sys.argv[1])\nexcept ValueError as e:\n"
                    "    print(e)\n    sys.exit(3)\n")
            try:
                r = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True,
                                   timeout=60)
                check(r.returncode == 3 and r.stdout.strip() == want,
                      "open of %s: status %d, %r %r; expected ValueError %r" % (
                          path, r.returncode, r.stdout.strip(), r.stderr.strip()[-300:], want))
            except subprocess.TimeoutExpired:
                check(False, "open of %s: still reading after 60 s" % path)


def interrupted_run(src):
    """Ctrl-C in Python during minrisk.run (SIGINT to this process alone, as
    a Jupyter interrupt sends it): KeyboardInterrupt, the binary stopped as
    by its own Ctrl-C, nothing left beside the output (until 2026-12-08 the
    package sent SIGTERM, and `run` wrote out.h5.ckpt unannounced), and the
    binary's closing line passed on to sys.stderr."""
    import io
    import threading

    import minrisk
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with tempfile.TemporaryDirectory(prefix="python_open-int-") as tmp:
        out = os.path.join(tmp, "stopped.h5")
        timer = threading.Timer(1.5, lambda: os.kill(os.getpid(), signal.SIGINT))
        err, old = io.StringIO(), sys.stderr
        stopped = False
        try:
            sys.stderr = err
            timer.start()
            minrisk.run(os.path.join(src, "scenarios", "demo.yaml"), out, trials=400000, threads=1)
        except KeyboardInterrupt:
            stopped = True
        finally:
            sys.stderr = old
            timer.cancel()
        check(stopped, "interrupt: no KeyboardInterrupt (the run ended first?)")
        check(os.listdir(tmp) == [], "interrupt: left %s" % sorted(os.listdir(tmp)))
        last = [ln for ln in err.getvalue().replace("\r", "\n").splitlines() if ln.strip()][-1:]
        check(last and "interrupted" in last[0], "interrupt: the binary's last line %r" % last)


if __name__ == "__main__":
    sys.exit(main())
