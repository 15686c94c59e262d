"""minrisk.open: a minrisk result file (docs/OUTPUT.md) as xarray Datasets.

A run file gives a Run: a read-only mapping from the run's group names
("root", "summary", "trials", "indicators", "indicators/uk", "attribution",
"events", "loss_tables", "policies", as the file has them) to Datasets. A comparison file
gives a Comparison (`runs` {"a": Run, "b": Run, ...} in command-line
order and the "difference" Dataset; `changes()` the changes against the
first run along a `versus` dimension for any number of runs), a sweep file
a Sweep (`variants` {name: Run}, the "sweep" Dataset with the grid of swept
keys as coordinates and, from format 1.6, the "grid" Dataset: the table
with one dimension per swept key, as stored in /sweep/grid), an uncertainty study
an Uncertainty ("base" Run and the "uncertainty" Dataset).

Every Dataset is opened by xarray (engine h5netcdf, lazily: values are read
when used, exactly as stored) and then given:
- a `long_name` attribute on every variable: the file's own, else the
  first clause of its `description` (which is kept); `units` as stored;
- display names beside the ids: a coordinate `<dim>_name` along `mineral`,
  `sector` and `country` (from the run's `mineral_name`, `sector_name`,
  `country_name`), `mineral_name` along the indicator rows, `source_name`
  along the attribution sources, `series_name` along the loss series;
- `month` along `step` (the step's start, months from the start).
"""

import collections.abc
import io
import os
import re

import h5py
import numpy as np
import xarray as xr

__all__ = ["open", "Run", "Comparison", "Sweep", "Uncertainty", "long_name"]


def long_name(description):
    """A short display name from a dataset's description: its text up to
    the first ':' or ';' outside parentheses, without parentheses, first
    letter capitalised (`mean over trials of the headline loss over the
    horizon (all sectors, ...)` -> `Mean over trials of the headline loss
    over the horizon`)."""
    out, depth = [], 0
    for ch in str(description):
        if ch == "(":
            depth += 1
            continue
        if ch == ")":
            depth = max(0, depth - 1)
            continue
        if depth:
            continue
        if ch in ":;":
            break
        out.append(ch)
    text = re.sub(r"\s+", " ", "".join(out)).strip().rstrip(",. ")
    text = re.sub(r"\s+([,.])", r"\1", text)
    return text[:1].upper() + text[1:] if text else ""


def _text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.dtype.kind in "OSU":
        return [_text(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def _attrs(obj):
    return {k: _text(v) for k, v in obj.attrs.items()
            if k not in ("CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST", "_Netcdf4Dimid")}


_ID_DIMS = ("mineral", "sector", "country")


class Run(collections.abc.Mapping):
    """One run (the root of a run file, /runs/a of a comparison,
    /variants/<name> of a sweep): a mapping from group name to Dataset.

    Attributes: `attrs` (the run's attributes: scenario_name, seed, trials,
    horizon_years, ...), `group` (its HDF5 path), `names` ({"mineral": {id:
    name}, "sector": ..., "country": ...}), `run_info` (dict, None inside a
    comparison or sweep, whose /run_info is the file's), `scenario_source`
    and `scenario_resolved` (the scenario text as read and as resolved)."""

    def __init__(self, path, h5group, run_info=True):
        self.path = path
        self.group = h5group.name
        self.attrs = _attrs(h5group)
        self.name = self.attrs.get("scenario_name", "")
        self.run_info = _attrs(h5group["run_info"]) if run_info and "run_info" in h5group else None
        sc = h5group.get("scenario")
        self.scenario_source = self.scenario_resolved = None
        if isinstance(sc, h5py.Group):
            if "source" in sc:
                self.scenario_source = _text(sc["source"][()])
            if "resolved" in sc:
                self.scenario_resolved = _text(sc["resolved"][()])
        self.names = {}
        for d in _ID_DIMS:
            if d in h5group and d + "_name" in h5group:
                ids = [str(x) for x in h5group[d].asstr()[()]]
                names = [str(x) for x in h5group[d + "_name"].asstr()[()]]
                self.names[d] = dict(zip(ids, names))
        self._groups = {"root": ""}
        self._find_groups(h5group, "")
        self._cache = {}

    def _find_groups(self, g, prefix):
        for key in g:
            try:
                obj = g[key]
            except KeyError:
                continue
            if not isinstance(obj, h5py.Group) or key in ("scenario", "run_info", "runs", "variants"):
                continue
            rel = prefix + key
            if any(isinstance(obj[k], h5py.Dataset) for k in obj):
                self._groups[rel] = rel
            self._find_groups(obj, rel + "/")

    def __getitem__(self, key):
        if key not in self._groups:
            raise KeyError("%s has no group %r (it has %s)" % (self.group, key, ", ".join(self._groups)))
        if key not in self._cache:
            rel = self._groups[key]
            full = (self.group.rstrip("/") + "/" + rel).strip("/") if rel else self.group.strip("/")
            ds = xr.open_dataset(self.path, engine="h5netcdf", group=full or None,
                                 decode_times=False, decode_timedelta=False)
            self._cache[key] = _dress(ds, self.names, key)
        return self._cache[key]

    def __iter__(self):
        return iter(self._groups)

    def __len__(self):
        return len(self._groups)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        key = name.replace("__", "/")  # run.indicators__uk
        if key in self._groups:
            return self[key]
        raise AttributeError("%s has no group or attribute %r" % (self.group, name))

    def close(self):
        """Close the Datasets opened so far (a group read again is opened
        again)."""
        for ds in self._cache.values():
            ds.close()
        self._cache.clear()

    def __repr__(self):
        return "<minrisk.Run %s of %s: %r, %s trials; groups %s>" % (
            self.group, os.path.basename(self.path), self.name, self.attrs.get("trials"), ", ".join(self._groups))


def _dress(ds, names, key):
    """Display names, long_name and the month coordinate (module docstring)."""
    coords = {}
    for d in _ID_DIMS:
        if d in ds.coords and d in names and ds[d].dims == (d,):
            ids = [str(x) for x in ds[d].values]
            coords[d + "_name"] = (d, [names[d].get(i, i) for i in ids],
                                   {"long_name": "%s name" % d})
    if "mineral_id" in ds.coords and "mineral" in names:
        dim = ds["mineral_id"].dims
        coords["mineral_name"] = (dim, [names["mineral"].get(str(i), str(i)) for i in ds["mineral_id"].values],
                                  {"long_name": "mineral name"})
    if "source_name" in ds.variables and "source_name" not in ds.coords:  # the file's (format 1.6 on)
        coords["source_name"] = ds["source_name"]
    elif "source" in ds.coords and "source_kind" in ds and ds["source"].dims == ("source",):
        coords["source_name"] = ("source", [_source_name(str(s), names) for s in ds["source"].values],
                                 {"long_name": "source"})
    if "series" in ds.coords and ds["series"].dims == ("series",):
        sec = names.get("sector", {})
        coords["series_name"] = ("series", ["Total" if s == "total" else sec.get(str(s), str(s))
                                            for s in ds["series"].values], {"long_name": "loss series"})
    if "step" in ds.coords and ds["step"].dims == ("step",):
        mps = float(ds["step"].attrs.get("months_per_step", 1.0))
        coords["month"] = ("step", ds["step"].values.astype(float) * mps,
                           {"units": "months", "long_name": "start of the step, months from the start"})
    if coords:
        ds = ds.assign_coords(coords)
    for name, var in ds.variables.items():
        if "long_name" not in var.attrs:
            if "description" in var.attrs:
                var.attrs["long_name"] = long_name(var.attrs["description"])
            elif name in _ID_DIMS:
                var.attrs["long_name"] = "%s id" % name
            elif name.endswith("_name") and name[:-5] in _ID_DIMS:
                var.attrs["long_name"] = "%s name" % name[:-5]
    ds.attrs.setdefault("minrisk_group", key)
    return ds


def _concat(dsets, dim):
    """dsets concatenated along a new dimension dim. Runs with different
    entities (a comparison of scenarios with other minerals) are aligned on
    the union of the ids, in the order of their first appearance, NaN where
    a run has none; the `<id>_name` coordinates are merged."""
    out = list(dsets)
    for d in sorted(set().union(*[set(ds.indexes) for ds in out])):
        seqs = [list(ds.indexes[d]) if d in ds.indexes else None for ds in out]
        if all(q is not None and q == seqs[0] for q in seqs):
            continue
        union = []
        for q in seqs:
            for v in q or []:
                if v not in union:
                    union.append(v)
        merged = {}
        for ds in out:
            for c, var in ds.coords.items():
                if c != d and var.dims == (d,):
                    m = merged.setdefault(c, {})
                    for i, v in zip(ds[d].values.tolist(), var.values.tolist()):
                        m.setdefault(i, v)
        out = [ds.reindex({d: union}) if d in ds.indexes else ds for ds in out]
        out = [ds.assign_coords({c: (d, [m.get(i) for i in union], ds[c].attrs)
                                 for c, m in merged.items() if c in ds.coords}) for ds in out]
    return xr.concat(out, dim=dim, data_vars="all", coords="minimal", compat="override", join="override")


def _source_name(source, names):
    kind, _, ident = source.partition("/")
    if kind in ("mineral", "country"):
        return names.get(kind, {}).get(ident, ident)
    if kind == "none":
        return ident.replace("-", " ")
    return ident or source


_INT32 = (-2 ** 31, 2 ** 31 - 1)


def _setting_values(raw):
    """A swept key's settings as written, typed as the writer types its
    /sweep/grid coordinate (sim/studies/sweep.c: grid_key_coord): int32 when
    every one is a decimal integer within int32, else float64 when every one
    is a decimal number, else the strings ("none": null)."""
    if all(re.fullmatch(r"[+-]?\d+", s) and _INT32[0] <= int(s) <= _INT32[1] for s in raw):
        return np.array([int(s) for s in raw], dtype=np.int32)
    if all(re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", s) for s in raw):
        return np.array([float(s) for s in raw], dtype=np.float64)
    return np.array(raw, dtype=object)


class _Multi(collections.abc.Mapping):
    """A file of several runs: a mapping of its parts; `attrs`, `run_info`,
    `kind`, `path`."""

    kind = None

    def __init__(self, path, f):
        self.path = path
        self.attrs = _attrs(f)
        self.run_info = _attrs(f["run_info"]) if "run_info" in f else None
        self._parts = {}

    def __getitem__(self, key):
        return self._parts[key]

    def __iter__(self):
        return iter(self._parts)

    def __len__(self):
        return len(self._parts)

    def _table(self, group):
        ds = xr.open_dataset(self.path, engine="h5netcdf", group=group,
                             decode_times=False, decode_timedelta=False)
        first = next(iter(self.runs.values())) if self.runs else None
        return _dress(ds, first.names if first else {}, group)

    def close(self):
        for v in self._parts.values():
            if isinstance(v, xr.Dataset):
                v.close()
        for r in self.runs.values():
            r.close()

    def __repr__(self):
        return "<minrisk.%s of %s: runs %s; parts %s>" % (
            type(self).__name__, os.path.basename(self.path), ", ".join(self.runs), ", ".join(self._parts))


class Comparison(_Multi):
    """`minrisk compare` file: `runs` {"a": Run, "b": Run, "c": Run, ...} in
    the order of the command line (A first), the "difference" Dataset (also
    `.difference`: as stored, [series, statistic] for two runs, with a
    leading `versus` dimension for three or more), `changes()` the changes
    against A with a `versus` dimension for any number of runs, and
    `combine(group)` one group of every run along a new dimension `run`."""

    kind = "compare"

    def __init__(self, path, f):
        super().__init__(path, f)
        keys = sorted(f["runs"])
        d = f.get("difference")
        if isinstance(d, h5py.Group) and "run" in d:
            order = [str(k) for k in d["run"].asstr()[()]]
            if sorted(order) == keys:
                keys = order
        self.runs = {k: Run(path, f["runs"][k], run_info=False) for k in keys}
        self._parts["runs"] = self.runs
        if "difference" in f:
            self._parts["difference"] = self._table("difference")

    @property
    def difference(self):
        """/difference as stored: [series, statistic] for two runs, with a
        leading `versus` for three or more (changes() has it for any)."""
        return self._parts["difference"]

    def changes(self):
        """The changes of every run against the first, the same for two runs
        as for more: `estimate`, `ci_lo`, `ci_hi` [versus, series,
        statistic] (GBP), `variance_reduction` [versus, series], `value`
        [run, series, statistic] (each run's statistic) and, when stored,
        `policy_cost` [run] and `loss_avoided_per_pound` [versus, bound].
        A file of two runs has them without `versus` (and `a`, `b` for
        `value`): they are given one here (versus = ["b"])."""
        d = self.difference
        if "versus" in d.dims:
            return d
        keys = list(self.runs)
        out = d[["estimate", "ci_lo", "ci_hi", "variance_reduction"]].expand_dims(versus=keys[1:2])
        value = xr.concat([d["a"], d["b"]], dim="run").assign_coords(run=keys[:2])
        value.attrs = {"units": "GBP", "long_name": "the statistic of each run"}
        out = out.assign(value=value)
        for name in ("policy_cost", "uncosted_levers", "scenario_name", "scenario_file", "run_group"):
            if name in d:
                out[name] = d[name].assign_coords(run=keys[:2])
        if "loss_avoided_per_pound" in d:
            out["loss_avoided_per_pound"] = d["loss_avoided_per_pound"].expand_dims(versus=keys[1:2])
        if "policy_cost_difference" in d:
            out["policy_cost_difference"] = d["policy_cost_difference"].expand_dims(versus=keys[1:2])
        out.attrs = dict(d.attrs)
        return out

    def combine(self, group="summary"):
        """The group of every run, concatenated along `run` (a, b, c, ...),
        with the runs' scenario names as coordinate `scenario_name`."""
        keys = list(self.runs)
        ds = _concat([self.runs[k][group] for k in keys], "run")
        return ds.assign_coords(run=keys, scenario_name=("run", [self.runs[k].name for k in keys]))


class Sweep(_Multi):
    """Sweep file: `variants` {name: Run}, the "sweep" Dataset (also
    `.table`) with a coordinate along `variant` for each swept key (its
    short name: the last part of the key path; attribute `key_path`), the
    `grid` {short name: values in sweep order} and `combine(group)`: one
    group of every variant with the variant dimension unfolded into one
    dimension per swept key, so that `.sel(months=6, diversification_cap=
    "0.60")` picks a variant. Settings are numbers when every value of the
    key is a number, else the strings as written (`none` for null)."""

    kind = "sweep"

    def __init__(self, path, f):
        super().__init__(path, f)
        tab = self._table_raw(f)
        names = [str(n) for n in tab["variant"].asstr()[()]] if tab is not None else sorted(f["variants"])
        self.runs = self.variants = {str(n): Run(path, f["variants"][str(n)], run_info=False) for n in names}
        self._parts["variants"] = self.variants
        self.grid = {}
        self.key_paths = {}
        self._key_attrs = {}  # each key's coordinate attributes: key_path, long_name, units
        if tab is not None:
            table = self._table("sweep")
            params = [str(p) for p in table["parameter"].values]
            if "grid" in tab and "dimension" in tab["grid"]:  # format 1.6: /sweep/grid's dimensions
                short = [str(x) for x in tab["grid"]["dimension"].asstr()[()]]
            else:
                short = [re.sub(r"\[\d+\]$", "", p.split(".")[-1]) for p in params]
                if len(set(short)) < len(short):
                    short = params
            settings = np.asarray(table["setting"].values)
            coords = {}
            for j, (s, p) in enumerate(zip(short, params)):
                vals = _setting_values([str(x) for x in settings[:, j]])
                attrs = {"key_path": p, "long_name": p}
                g = tab.get("grid")
                if isinstance(g, h5py.Group) and s in g and "units" in g[s].attrs:  # the key's unit
                    attrs["units"] = _text(g[s].attrs["units"])
                self._key_attrs[s] = attrs
                coords[s] = ("variant", vals, attrs)
                order = []
                for v in vals.tolist():
                    if v not in order:
                        order.append(v)
                self.grid[s] = order
                self.key_paths[s] = p
            table = table.drop_vars([s for s in short if s in table.variables]).assign_coords(coords)
            self._parts["sweep"] = table
            if isinstance(tab.get("grid"), h5py.Group):
                g = self._table("sweep/grid")
                g = g.set_coords([v for v in ("variant",) if v in g.data_vars])
                for s in short:
                    if s in g.coords:
                        g[s].attrs.update(self._key_attrs[s])
                self._parts["grid"] = g

    def _table_raw(self, f):
        return f["sweep"] if "sweep" in f else None

    @property
    def table(self):
        """/sweep, one row per variant, with a coordinate along `variant` for
        each swept key (None without /sweep)."""
        return self._parts.get("sweep")

    def to_grid(self, ds):
        """ds (with a `variant` dimension in the order of the sweep table)
        with `variant` unfolded into one dimension per swept key, values in
        sweep order; `variant` stays as a coordinate on the grid (the
        variant's name in each cell). Values are picked, not recomputed
        (dtypes kept). A grid cell no variant fills raises ValueError (a
        sweep is a full grid)."""
        dims = list(self.grid)
        tab = self.table
        shape = tuple(len(self.grid[d]) for d in dims)
        where = np.full(shape, -1, dtype=np.int64)
        for i in range(tab.sizes["variant"]):
            cell = tuple(self.grid[d].index(tab[d].values[i].item() if hasattr(tab[d].values[i], "item")
                                            else tab[d].values[i]) for d in dims)
            where[cell] = i
        if (where < 0).any():
            raise ValueError("the variants do not fill the grid of %s" % ", ".join(dims))
        ds = ds.drop_vars([d for d in dims if d in ds.variables])
        pick = xr.DataArray(where, dims=dims, coords={d: np.array(self.grid[d], dtype=tab[d].dtype)
                                                      for d in dims})  # the table's types
        out = ds.isel(variant=pick)
        for d in dims:
            out[d].attrs.update(self._key_attrs[d])
        return out

    def sweep_grid(self):
        """The sweep table on the grid of swept keys: the file's own
        /sweep/grid when it has one (format 1.6; `variant` a coordinate:
        the variant in each cell), else the flat table unfolded by
        to_grid."""
        if "grid" in self._parts:
            return self._parts["grid"]
        return self.to_grid(self.table)

    def combine(self, group="summary"):
        """The group of every variant on the grid of swept keys
        (`combine("summary").total_loss_mean.sel(months=6)`)."""
        names = list(self.variants)
        ds = _concat([self.variants[n][group] for n in names], "variant").assign_coords(variant=names)
        return self.to_grid(ds)


class Uncertainty(_Multi):
    """`minrisk uncertainty` file: the "base" Run and the "uncertainty"
    Dataset."""

    kind = "uncertainty"

    def __init__(self, path, f):
        super().__init__(path, f)
        self.runs = {"base": Run(path, f["base"], run_info=False)}
        self._parts["base"] = self.runs["base"]
        if "uncertainty" in f:
            self._parts["uncertainty"] = self._table("uncertainty")


FORMAT_MAJOR = 1  # the format_version major number this package reads (docs/OUTPUT.md "Versioned")


def _regular_file(path):
    """ValueError unless path is a regular file, as the binary's readers say
    it (out/h5/read.c): opened without blocking, so that a FIFO cannot hang
    h5py, and a directory or device is named as one. OSError when it cannot
    be opened at all."""
    import stat
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    if not stat.S_ISREG(mode):
        kind = ("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "a character device" if stat.S_ISCHR(mode)
                else "a block device" if stat.S_ISBLK(mode) else None)
        raise ValueError("%s: not a minrisk file (%s)" % (path, kind + ", not a regular file" if kind
                                                          else "not a regular file"))


# The global heap check of the binary's readers (out/h5/read.c, heap_scan):
# HDF5 1.10 loops for ever, or crashes the process, on a damaged collection
# of variable-length strings, which h5py reads with the file's attributes.
_SCAN_MAX = 256 << 20  # the largest file checked (SCAN_MAX)
_GCOL_MAX = 1 << 30  # a larger collection is damaged (GCOL_MAX)
_GCOL = b"GCOL\x01\x00\x00\x00"  # "GCOL", version 1, three zero bytes


def _gheap_sound(b, size):
    """Every object of the collection b (size bytes) lies within it, walked
    as HDF5 walks it (the free space, index 0, too), no index twice
    (gheap_sound)."""
    seen = set()
    p = 16
    while p + 16 <= size:
        idx = int.from_bytes(b[p:p + 2], "little")
        osize = int.from_bytes(b[p + 8:p + 16], "little")
        if osize > size - p:
            return False
        need = 16 + ((osize + 7) & ~7) if idx else osize
        if need < 16 or need > size - p:
            return False
        if idx:
            if idx in seen:
                return False
            seen.add(idx)
        p += need
    return True


def _heap_damage(path):
    """The byte offset of the first damaged global heap collection of a
    file of at most _SCAN_MAX bytes, or None (heap_scan, gheap_load)."""
    import mmap
    with io.open(path, "rb") as fh:
        fsize = os.fstat(fh.fileno()).st_size
        if fsize == 0 or fsize > _SCAN_MAX:
            return None
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as m:
            at = m.find(_GCOL)
            while at >= 0:
                size = int.from_bytes(m[at + 8:at + 16], "little")
                if (size < 16 or size > _GCOL_MAX or at + size > fsize or
                        not _gheap_sound(m[at:at + size], size)):
                    return at
                at = m.find(_GCOL, at + 1)
    return None


def open(path):  # noqa: A001 (the package's name for it)
    """Open a minrisk result file: a Run (run file), Comparison, Sweep or
    Uncertainty, by the root attribute `kind`. Raises ValueError for a file
    that is not a minrisk file, is of another major format_version or lacks
    the group of its runs (/runs, /variants, /base)."""
    path = os.fspath(path)
    _regular_file(path)
    if os.access(path, os.R_OK) and not h5py.is_hdf5(path):  # h5py's OSError names no file
        raise ValueError("%s: not a minrisk result file (not an HDF5 file)" % path)
    bad = _heap_damage(path)
    if bad is not None:  # the binary's line (out/h5/read.c)
        raise ValueError("%s: damaged or incomplete minrisk file: the global heap collection at byte %d "
                         "(variable-length strings) is damaged" % (path, bad))
    with h5py.File(path, "r") as f:
        fmt = _text(f.attrs.get("format"))
        if fmt != "minrisk":
            raise ValueError("%s: not a minrisk result file (no root attribute format = minrisk)" % path)
        ver = np.ravel(f.attrs.get("format_version", []))
        if ver.size != 2 or ver.dtype.kind not in "iu":
            raise ValueError("%s: not a minrisk file (no format_version of two integers)" % path)
        if int(ver[0]) != FORMAT_MAJOR:
            raise ValueError("%s: unsupported format_version %d.%d (this minrisk reads %d.x)"
                             % (path, int(ver[0]), int(ver[1]), FORMAT_MAJOR))
        kind = _text(f.attrs.get("kind"))
        if kind is None:
            if not isinstance(f.get("summary"), h5py.Group):  # as `minrisk summary` refuses it
                raise ValueError("%s: damaged or incomplete minrisk file: a run file without /summary" % path)
            return Run(path, f)
        cls = {"compare": Comparison, "sweep": Sweep, "uncertainty": Uncertainty}.get(kind)
        if cls is None:
            raise ValueError("%s: unknown kind of minrisk file %r" % (path, kind))
        runs = {"compare": "runs", "sweep": "variants", "uncertainty": "base"}[kind]
        if not isinstance(f.get(runs), h5py.Group):
            raise ValueError("%s: damaged or incomplete minrisk file: a %s file without /%s" % (path, kind, runs))
        return cls(path, f)
