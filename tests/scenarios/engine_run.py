"""engine_run.py - run minrisk on a scenario text and read its /trials
tables, for the hand-worked engine checks of tests/scenarios."""
import os
import subprocess

import h5py


def run_trials(minrisk, tmp, name, text, keys):
    """Write text to tmp/name.yaml, run it quietly into tmp/name.h5 and
    return {key: the /trials/key dataset} for the given keys."""
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(tmp, name + ".h5")
    subprocess.run([minrisk, "run", path, "-o", out, "-q"], check=True)
    with h5py.File(out, "r") as f:
        return {k: f["trials"][k][()] for k in keys}
