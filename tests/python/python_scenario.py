#!/usr/bin/python3
"""python_scenario.py SRC [BIN] - minrisk.Scenario (tests/python/tests.cmake).

- parse_key_path on good and bad paths;
- load scenarios/demo.yaml, change three keys (by attribute, by key path,
  by item), dump, load the dump back (the same tree), validate (the
  resolved scenario has the changes), run 300 trials: the file's
  horizon_years, steps, sector_name and /scenario/resolved show them;
- a bad key (simulation.trails) raises MinriskError whose message is the
  one line the binary prints for the dumped file, run directly (exit
  status 2, key simulation.trails, the line of `trails:` in the text);
  minrisk.run of it raises the same message;
- a scenario whose relative extends (uk-sweep-stockpile-cap.yaml) is
  dumped elsewhere still validates, and its extends names the parent;
- YAML 1.1 words: a country `no` and a value `on` stay strings;
- numbers as the minrisk loader reads them: 80.0e9, 1e6, -2.5E-3, .5e2,
  1.e5 and 1e1_0 are floats (PyYAML's YAML 1.1 rules alone made them
  strings), 1_000 an int, 1_e3 and 1._5e2 strings ('_' only between
  digits), a quoted '1e6' a string that is written back quoted; 010 is
  refused with the binary's line (YAML 1.1 made it octal 8), 0x10,
  0o17, 1:30 and 1:30.5 strings, and `trials: 010` is refused; and
  demo.yaml's output_gbp (80.0e9) takes arithmetic and validates.
Exit status 0 when every check passes, 1 otherwise.
"""

import os
import subprocess
import sys
import tempfile

import h5py

from checks import check, finish, setup


def main():
    src = setup()
    import minrisk
    from minrisk import parse_key_path

    check(parse_key_path("minerals.gallium.refining[0].spare") == ["minerals", "gallium", "refining", 0, "spare"],
          "key path with an index")
    check(parse_key_path("events.cn-controls.rate_per_year") == ["events", "cn-controls", "rate_per_year"],
          "key path with a dash")
    for bad in ("a..b", "a.", ".a", "[0]", "a[x]", ""):
        try:
            parse_key_path(bad)
            check(False, "key path %r accepted" % bad)
        except KeyError:
            pass

    demo = os.path.join(src, "scenarios", "demo.yaml")
    # a key left to its default: KeyError saying so (was a bare KeyError
    # naming the path)
    try:
        minrisk.Scenario.load(demo)["minerals.gallium.refining[0].spare"]
        check(False, "a key left to its default: no KeyError")
    except KeyError as e:
        want = ("minerals.gallium.refining[0].spare: no key 'spare' in the scenario as written "
                "(a key left to its default is not; .validate() gives every default)")
        check(e.args[0] == want, "a key left to its default: %r" % (e.args[0],))
    s = minrisk.Scenario.load(demo)
    check(s.path == demo and s.simulation.horizon_years == 10, "load: demo's horizon 10")
    s.simulation.horizon_years = 5                                   # attribute
    s["sectors.defence.name"] = "Defence (changed in Python)"        # key path
    s["minerals"]["gallium"]["stockpile"]["target_months"] = 3       # items
    s.minerals.gallium.stockpile.initial_months = 3
    check(s["simulation.horizon_years"] == 5 and s.minerals.gallium.stockpile.target_months == 3,
          "changes read back")
    with tempfile.TemporaryDirectory(prefix="python_scenario-") as tmp:
        path = s.dump(os.path.join(tmp, "changed.yaml"))
        back = minrisk.Scenario.load(path)
        check(back == s, "dump -> load: the same tree")
        res = back.validate()
        check(res.simulation.horizon_years == 5, "validate: resolved horizon 5")
        check(res.sectors.defence.name == "Defence (changed in Python)", "validate: resolved sector name")
        check(res.minerals.gallium.stockpile.target_months == 3, "validate: resolved stockpile")
        r = minrisk.run(back, os.path.join(tmp, "changed.h5"), trials=300, threads=1, progress=False)
        with h5py.File(r.path, "r") as f:
            check(int(f.attrs["horizon_years"]) == 5, "run: horizon_years 5")
            check(f["summary/step"].shape == (60,), "run: 60 steps")
            names = dict(zip(f["sector"].asstr()[()], f["sector_name"].asstr()[()]))
            check(names["defence"] == "Defence (changed in Python)", "run: sector_name")
            resolved = minrisk.Scenario.from_yaml(f["scenario/resolved"].asstr()[()])
            check(resolved.minerals.gallium.stockpile.target_months == 3, "run: resolved stockpile")
        check(r["summary"].sizes["step"] == 60 and r["trials"].sizes["year"] == 5, "run: Datasets of 5 years")
        check(list(r["root"].sector_name.values).count("Defence (changed in Python)") == 1, "run: root names")
        r.close()

        # a warning of the binary reaches sys.stderr (it was dropped): a
        # sector that needs no mineral
        import contextlib
        import io
        needless = minrisk.Scenario.load(demo)
        needless["sectors.automotive.needs"] = []
        caught = io.StringIO()
        with contextlib.redirect_stderr(caught):
            needless.validate()
        warned = caught.getvalue().splitlines()
        check(len(warned) == 1 and warned[0].startswith("warning: ") and warned[0].endswith(
            ": sectors.automotive.needs: the sector needs no mineral, so its loss is always 0"),
            "validate's warning on sys.stderr: %r" % warned)
        caught = io.StringIO()
        with contextlib.redirect_stderr(caught):
            back.validate()
        check(caught.getvalue() == "", "validate of a sound scenario: %r on stderr" % caught.getvalue())

        # a bad key: the binary's own message
        bad = minrisk.Scenario.load(demo)
        bad["simulation.trails"] = 5
        try:
            bad.validate()
            check(False, "bad key: no error")
        except minrisk.MinriskError as e:
            direct = bad.dump(os.path.join(tmp, "demo.yaml"))
            p = subprocess.run([os.environ["MINRISK_BIN"], "validate", direct], capture_output=True, text=True)
            check(p.returncode == 2, "binary: exit 2 on the bad key")
            want = p.stderr.strip().replace(direct, e.path or "?")
            check(str(e) == want and e.message == want, "bad key: %r, binary %r" % (str(e), want))
            check("simulation.trails: unknown key 'trails'" in str(e), "bad key: message %r" % str(e))
            check(e.returncode == 2 and e.key == "simulation.trails", "bad key: status, key")
            lines = e.text.splitlines()
            check(e.line is not None and lines[e.line - 1].strip().startswith("trails:"),
                  "bad key: line %s points at trails" % e.line)
            check(os.path.basename(e.path) == "demo.yaml", "bad key: file named after the scenario")
        # run and compare of a refused Scenario: e.text is the copy's text too
        # (it was unset: the copy named by the message was gone)
        for what, call in (("run", lambda: minrisk.run(bad, os.path.join(tmp, "x.h5"), progress=False)),
                           ("compare", lambda: minrisk.compare(bad, bad, out=os.path.join(tmp, "c.h5"),
                                                               progress=False))):
            try:
                call()
                check(False, "%s of the bad key: no error" % what)
            except minrisk.MinriskError as e:
                line = e.text.splitlines()[e.line - 1] if e.text and e.line else None
                check(line is not None and line.strip() == "trails: 5",
                      "%s of the bad key: e.text's line %s is %r" % (what, e.line, line))
        # an error in a file the scenario extends: e.text is that file's text
        # (validate gave the child's, whose line e.line is another)
        parent = bad.dump(os.path.join(tmp, "parent.yaml"))
        child = minrisk.Scenario.from_yaml('extends: parent.yaml\nname: "child"\n', base_dir=tmp)
        try:
            child.validate()
            check(False, "a bad parent: no error")
        except minrisk.MinriskError as e:
            line = e.text.splitlines()[e.line - 1] if e.text and e.line else None
            check(os.path.samefile(e.path, parent) and line is not None and line.strip() == "trails: 5",
                  "a bad parent: %s, e.text's line %s is %r" % (e.path, e.line, line))
        # two errors: validate reports both, in file order; the message is the first
        bad2 = minrisk.Scenario.load(demo)
        bad2["simulation.trails"] = 5
        bad2["simulation.steps_per_year"] = 0
        try:
            bad2.validate()
            check(False, "two errors: no error")
        except minrisk.MinriskError as e:
            lines = [int(x.split(":")[1]) for x in e.errors]
            check(len(e.errors) == 2 and str(e) == e.errors[0] and lines[0] < lines[1] and
                  ": simulation.steps_per_year: " in e.errors[0] and e.key == "simulation.steps_per_year" and
                  e.errors[1].endswith("simulation.trails: unknown key 'trails' (did you mean 'trials'?)"),
                  "two errors: %r %r" % (str(e), e.errors))
        try:
            minrisk.run(bad, os.path.join(tmp, "bad.h5"), trials=10, threads=1, progress=False)
            check(False, "run of a bad key: no error")
        except minrisk.MinriskError as e:
            check(e.returncode == 2 and e.message.endswith(
                "simulation.trails: unknown key 'trails' (did you mean 'trials'?)"), "run: %r" % e.message)
            check(not os.path.exists(os.path.join(tmp, "bad.h5")), "run: no file")

        # extends from elsewhere
        sw = minrisk.Scenario.load(os.path.join(src, "scenarios", "uk-sweep-stockpile-cap.yaml"))
        moved = sw.dump(os.path.join(tmp, "moved.yaml"))
        ext = minrisk.Scenario.load(moved).extends
        check(os.path.samefile(os.path.join(tmp, ext), os.path.join(src, "scenarios", "uk-2035-stockpile.yaml")),
              "extends rewritten: %s" % ext)
        del sw["sweep"]
        sw.simulation = {"trials": 100}
        check(sw.validate().simulation.trials == 100, "extends: validates from a temporary copy")

    y = minrisk.Scenario.from_yaml("countries:\n  no: {name: Norway}\nflag: on\nyes_no: true\n")
    check(list(y.countries.keys()) == ["no"] and y.flag == "on" and y.yes_no is True, "YAML 1.1 words")
    n = minrisk.Scenario.from_yaml("a: 80.0e9\nb: 1e6\nc: -2.5E-3\nd: .5e2\ne: 1_000\nf: '1e6'\ng: 1.5\n"
                                   "h: 1e1_0\ni: 1_e3\nj: 1._5e2\nk: 1.e5\n")
    check([n.a, n.b, n.c, n.d, n.e, n.f, n.g, n.h, n.i, n.j, n.k] ==
          [80.0e9, 1e6, -2.5e-3, 50.0, 1000, "1e6", 1.5, 1e10, "1_e3", "1._5e2", 1e5] and
          all(isinstance(v, float) for v in (n.a, n.b, n.c, n.d, n.h, n.k)), "numbers: %r" % n.data)
    back = minrisk.Scenario.from_yaml(n.to_yaml())
    check(back.f == "1e6" and back.i == "1_e3" and back.a == 80.0e9, "numbers written back: %r" % back.data)
    # integers as sc_parse_int reads them: decimal digits, '_' between two,
    # and 0x10, 1:30 (sexagesimal 90), 1:30.5, 0o17 are not numbers to the
    # binary: strings, as written
    o = minrisk.Scenario.from_yaml("b: 0x10\nc: 1:30\nd: 1:30.5\nf: 0o17\ng: +1_0\nh: 0\ni: -0\n")
    check([o.b, o.c, o.d, o.f, o.g, o.h, o.i] == ["0x10", "1:30", "1:30.5", "0o17", 10, 0, 0]
          and all(type(v) is int for v in (o.g, o.h, o.i)), "integers: %r" % o.data)
    back = minrisk.Scenario.from_yaml(o.to_yaml())
    check(back.data == o.data, "integers written back: %r" % back.data)
    # a leading zero is refused, as the binary refuses it: PyYAML's YAML 1.1
    # reads 010 as 8 (octal), the binary read it as 10 until 2026-12-06
    for text, where, shown in (("a: 010\n", "1:4", "010"), ("x: 1\ne: -007\n", "2:4", "-007")):
        try:
            minrisk.Scenario.from_yaml(text, path="s.yaml")
            got = None
        except minrisk.MinriskError as e:
            got = str(e)
        want = ("s.yaml:%s: expected an integer, got %s: a leading zero is refused, since YAML 1.1 "
                "readers (PyYAML) take it as octal; write it without" % (where, shown))
        check(got == want, "%r: %r, expected %r" % (text, got, want))
    d = minrisk.Scenario.load(demo)
    d["simulation.trials"] = 7
    text = d.to_yaml().replace("trials: 7", "trials: 010")
    try:
        minrisk.Scenario.from_yaml(text)
        got = None
    except minrisk.MinriskError as e:
        got = str(e)
    check(got is not None and "got 010: a leading zero is refused" in got,
          "trials: 010 in Python: %r, expected the binary's refusal" % got)
    d = minrisk.Scenario.load(demo)
    check(d["sectors.automotive.output_gbp"] == 80.0e9, "demo output_gbp %r" % d["sectors.automotive.output_gbp"])
    d["sectors.automotive.output_gbp"] *= 1.1
    check(abs(d.validate().sectors.automotive.output_gbp - 88.0e9) < 1.0, "output_gbp x 1.1 validates as 88e9")
    return finish("python_scenario")


if __name__ == "__main__":
    sys.exit(main())
