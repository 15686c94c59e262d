"""minrisk from Python (docs/PYTHON.md).

    import minrisk
    r = minrisk.run("scenarios/demo.yaml", "demo.h5", trials=2000, threads=1)
    r["summary"].sector_loss_mean.to_series()      # GBP, by sector id
    s = minrisk.Scenario.load("scenarios/demo.yaml")
    s.simulation.trials = 500
    s.validate()                                   # MinriskError if refused
    minrisk.plot.exceedance_annual(r)

- open(path): a result file as xarray Datasets (Run, Comparison, Sweep,
  Uncertainty; minrisk.files).
- Scenario: load, change, dump, validate (minrisk.scenario).
- run, compare, sweep: the minrisk binary (MINRISK_BIN or minrisk on PATH),
  its progress passed through to sys.stderr; each returns the opened result.
- plot: the report's figures from Datasets (imported on first use: it needs
  matplotlib).
- MinriskError: the binary refused or failed; str(e) is its one-line message.
"""

import os
import tempfile

from ._binary import MinriskError, binary
from .files import Comparison, Run, Sweep, Uncertainty, open
from .scenario import Scenario, parse_key_path

__version__ = "0.1.0"
__all__ = ["open", "run", "compare", "sweep", "Scenario", "MinriskError", "Run", "Comparison",
           "Sweep", "Uncertainty", "binary", "parse_key_path", "plot"]


def __getattr__(name):
    if name == "plot":  # matplotlib is loaded only when a figure is wanted
        import importlib
        return importlib.import_module(".plot", __name__)
    raise AttributeError("module 'minrisk' has no attribute %r" % name)


class _ScenarioFile:
    """A scenario argument as a path for the binary: a path as given, or a
    Scenario written to a temporary directory (extends kept resolvable)."""

    def __init__(self, scenario, tmp, tag):
        if isinstance(scenario, Scenario):
            name = "%s-%s" % (tag, os.path.basename(scenario.path) if scenario.path else "scenario.yaml")
            self.path = scenario.dump(os.path.join(tmp, name))
        elif isinstance(scenario, (str, os.PathLike)):
            self.path = os.fspath(scenario)
        else:
            raise TypeError("a scenario is a path or a minrisk.Scenario, got %s" % type(scenario).__name__)


def _options(trials, seed, threads, quiet=False):
    args = []
    for flag, v in (("--trials", trials), ("--seed", seed), ("--threads", threads)):
        if v is not None:
            args += [flag, str(int(v))]
    if quiet:
        args.append("--quiet")
    return args


def run(scenario, out, trials=None, threads=None, seed=None, events=False, counterfactual=False,
        progress=True):
    """`minrisk run`: simulate scenario (a path or a Scenario) into out (an
    HDF5 file) and return minrisk.open(out): a Run, or a Sweep when the
    scenario has a sweep block. trials, seed override the scenario's;
    threads: OpenMP threads (default: all cores). events, counterfactual:
    the /events table and the counterfactual attribution. progress: the
    binary's progress and closing lines on sys.stderr. The binary's
    standard output is the result's `stdout` attribute: empty for `minrisk
    run`, whose closing lines and verification number go to stderr (a
    plain run's number is also run_info["verification"], an integer:
    "%016x" % it is the printed form). A refusal raises MinriskError with
    its message."""
    with tempfile.TemporaryDirectory(prefix="minrisk-") as tmp:
        path = _ScenarioFile(scenario, tmp, "run").path
        args = ["run", path, "-o", os.fspath(out)] + _options(trials, seed, threads, quiet=not progress)
        if events:
            args.append("--events")
        if counterfactual:
            args.append("--counterfactual")
        text = binary_call(args, progress)
    result = open(out)
    result.stdout = text
    return result


def compare(*scenarios, out=None, trials=None, threads=None, seed=None, bootstrap=None, progress=True):
    """`minrisk compare A B [C ...] -o out`: two or more scenarios (paths or
    Scenarios, at most 26) on common random numbers (A's seed and trials
    unless given); returns the opened Comparison (runs a, b, c, ..., the
    changes against A with intervals). Called as compare(a, b, out) or
    compare(a, b, c, out=...): without out=, the last argument is the
    output file. bootstrap: resamples behind the intervals (binary's
    default 1000)."""
    scenarios = list(scenarios)
    if out is None:
        if len(scenarios) < 3:
            raise TypeError("compare(a, b, ..., out): give two or more scenarios and the output file")
        out = scenarios.pop()
    if len(scenarios) < 2:
        raise TypeError("compare needs two or more scenarios, got %d" % len(scenarios))
    with tempfile.TemporaryDirectory(prefix="minrisk-") as tmp:
        paths = [_ScenarioFile(sc, tmp, chr(ord("a") + i)).path for i, sc in enumerate(scenarios)]
        args = ["compare"] + paths + ["-o", os.fspath(out)] + _options(trials, seed, threads,
                                                                         quiet=not progress)
        if bootstrap is not None:
            args += ["--bootstrap", str(int(bootstrap))]
        text = binary_call(args, progress)
    result = open(out)
    result.stdout = text
    return result


def sweep(scenario, out, grid=None, trials=None, threads=None, seed=None, progress=True):
    """A sweep: scenario (a path or a Scenario) with grid {key path: [values]}
    as its sweep block (replacing any it has; None for a value removes the
    key: its default applies), run into out with `minrisk run`; returns the
    opened Sweep. Without grid the scenario's own sweep block is run."""
    sc = scenario.copy() if isinstance(scenario, Scenario) else Scenario.load(scenario)
    if grid is not None:
        if not grid:
            raise ValueError("an empty grid: give at least one key path and its values")
        sc["sweep"] = {str(k): list(v) for k, v in grid.items()}
    elif "sweep" not in sc:
        raise ValueError("the scenario has no sweep block and no grid was given")
    return run(sc, out, trials=trials, threads=threads, seed=seed, progress=progress)


def binary_call(args, progress=True):
    """Run `minrisk ARGS` (a list of strings), progress on sys.stderr; return
    its standard output; MinriskError on a non-zero exit status."""
    from ._binary import call
    return call(args, progress=progress)
