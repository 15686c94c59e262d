"""minrisk.Scenario: a scenario file in Python, changed by attribute, item or
key path, written back and checked by the minrisk binary."""

import copy
import os
import re
import sys
import tempfile

import yaml

from ._binary import MinriskError, call

__all__ = ["Scenario", "parse_key_path"]


# YAML as the minrisk loader reads it: true/false are booleans, but not
# yes/no/on/off (YAML 1.1), so that a country id `no` stays a string; no
# dates either; and a number with an exponent but no sign after the e
# (80.0e9, 1e6: YAML 1.2, and the minrisk loader) is a float, where PyYAML's
# YAML 1.1 rules read it as the string '80.0e9'. Everything else is
# PyYAML's safe loader.
class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int",
                           "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
# integers as sc_parse_int (sim/scenario/yaml.c) reads them: decimal digits,
# '_' only between two; a leading zero (010, YAML 1.1's octal 8) is refused,
# as the binary refuses it; 0x10, 0o17 and sexagesimal 1:30 are no numbers
# to the binary, so they stay strings here (the binary refuses them where a
# number is due)
_DEC_INT = re.compile(r"^[-+]?[0-9](?:_?[0-9])*$")
_LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")


class _LeadingZero(yaml.YAMLError):
    def __init__(self, mark, text):
        super().__init__(text)
        self.mark, self.text = mark, text


def _construct_int(loader, node):
    text = loader.construct_scalar(node)
    if _LEADING_ZERO.match(text):
        raise _LeadingZero(node.start_mark, text)
    return int(text.replace("_", ""), 10)


_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _DEC_INT, list("-+0123456789"))
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
# decimals without an exponent as sc_parse_double takes them (no 1:30.5);
# .inf and .nan stay floats (the binary refuses them with the key's range)
_DEC_FLOAT = re.compile(r"^[-+]?(?:[0-9](?:_?[0-9])*\.(?:[0-9](?:_?[0-9])*)?|\.[0-9](?:_?[0-9])*)$"
                        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$")
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _DEC_FLOAT, list("-+0123456789."))
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
# an exponent form: '_' only between two digits, as sc_parse_double
# (sim/scenario/yaml.c) takes it
_EXP_FLOAT = re.compile(r"^[-+]?(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)"
                        r"[eE][-+]?[0-9](?:_?[0-9])*$")
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _EXP_FLOAT, list("-+0123456789."))


class _Dumper(yaml.SafeDumper):
    pass


# the same rule when writing: a string '1e6' is quoted, so it reads back as
# the string it was
_Dumper.add_implicit_resolver("tag:yaml.org,2002:float", _EXP_FLOAT, list("-+0123456789."))


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]|(\.)")


def parse_key_path(path):
    """A key path as minrisk's sweep and uncertain blocks write it
    (`policies.stockpile.months`, `minerals.gallium.refining[0].spare`) as a
    list of keys (str) and list indices (int)."""
    if not isinstance(path, str) or not path:
        raise KeyError("a key path is a non-empty string, got %r" % (path,))
    out, pos, want_key = [], 0, True
    while pos < len(path):
        m = _TOKEN.match(path, pos)
        if not m:
            raise KeyError("bad key path %r at character %d" % (path, pos + 1))
        if m.group(1) is not None:
            if not want_key:
                raise KeyError("bad key path %r: a '.' is missing before %r" % (path, m.group(1)))
            out.append(m.group(1))
            want_key = False
        elif m.group(2) is not None:
            if want_key:
                raise KeyError("bad key path %r: an index needs a key before it" % path)
            out.append(int(m.group(2)))
        else:
            if want_key:
                raise KeyError("bad key path %r: empty key" % path)
            want_key = True
        pos = m.end()
    if want_key:
        raise KeyError("bad key path %r: ends with '.'" % path)
    return out


def _wrap(value, root):
    if isinstance(value, (dict, list)):
        return Node(value, root)
    return value


class Node:
    """A mapping or list inside a scenario: read and change it by attribute
    (`node.months = 6`), by item (`node["cn-controls"]`, `node[0]`) or by key
    path (`node["stockpile.months"]`). Values that are mappings or lists come
    back as Nodes (views: changing them changes the scenario); `.data` is
    the plain Python value."""

    __slots__ = ("_data", "_root")

    def __init__(self, data, root):
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_root", root)

    @property
    def data(self):
        return self._data

    def _walk(self, key, create=False):
        """(container, last key) of key (one key, an index, or a key path)."""
        keys = [key] if isinstance(key, int) else parse_key_path(key) if isinstance(key, str) else None
        if keys is None:
            raise KeyError(key)
        cur = self._data
        for k in keys[:-1]:
            try:
                nxt = cur[k]
            except (KeyError, IndexError, TypeError):
                if create and isinstance(cur, dict) and isinstance(k, str):
                    nxt = cur[k] = {}
                else:
                    raise KeyError("%s: no key %r" % (key, k)) from None
            if nxt is None and create and isinstance(cur, dict):
                nxt = cur[k] = {}
            cur = nxt
        return cur, keys[-1]

    def __getitem__(self, key):
        cur, last = self._walk(key)
        try:
            return _wrap(cur[last], self._root)
        except (KeyError, IndexError, TypeError):
            # a key the file leaves to its default is not in the tree
            raise KeyError("%s: no key %r in the scenario as written (a key left to its default "
                           "is not; .validate() gives every default)" % (key, last)) from None

    def __setitem__(self, key, value):
        cur, last = self._walk(key, create=True)
        if isinstance(value, Node):
            value = copy.deepcopy(value.data)
        if isinstance(cur, list) and isinstance(last, int) and last == len(cur):
            cur.append(value)
        else:
            try:
                cur[last] = value
            except (IndexError, TypeError):
                raise KeyError(key) from None

    def __delitem__(self, key):
        cur, last = self._walk(key)
        try:
            del cur[last]
        except (KeyError, IndexError, TypeError):
            raise KeyError(key) from None

    def __contains__(self, key):
        try:
            self[key]
            return True
        except KeyError:
            return False

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if isinstance(self._data, dict) and name in self._data:
            return _wrap(self._data[name], self._root)
        raise AttributeError("no key %r here (keys: %s)" % (name, ", ".join(map(str, self.keys()))))

    def __setattr__(self, name, value):
        if not isinstance(self._data, dict):
            raise AttributeError("a list has no keys; use an index")
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def keys(self):
        return list(self._data.keys()) if isinstance(self._data, dict) else list(range(len(self._data)))

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __dir__(self):
        names = [k for k in self.keys() if isinstance(k, str) and k.isidentifier()]
        return sorted(set(names) | {"data", "keys", "get"})

    def __eq__(self, other):
        return self._data == (other.data if isinstance(other, Node) else other)

    def __repr__(self):
        return yaml.dump(self._data, Dumper=_Dumper, sort_keys=False, default_flow_style=None,
                         allow_unicode=True, width=100).rstrip()


class Scenario(Node):
    """A minrisk scenario (docs/SCENARIO_FORMAT.md) as a tree of mappings and
    lists. `Scenario.load(path)` reads a file; `Scenario(dict)` makes one;
    change keys by attribute, item or key path; `.dump(path)` writes it;
    `.validate()` checks it with `minrisk validate` and returns the resolved
    scenario (every default filled in), raising MinriskError with the
    binary's one-line message when it is refused.

    The file's comments are not kept. A relative `extends:` is read from the
    directory of the file the scenario was loaded from (`base_dir`) and
    rewritten relative to wherever the scenario is dumped, so the chain
    still resolves."""

    __slots__ = ("_path", "_base_dir")

    def __init__(self, data=None, path=None, base_dir=None):
        data = {} if data is None else copy.deepcopy(data.data if isinstance(data, Node) else data)
        if not isinstance(data, dict):
            raise TypeError("a scenario is a mapping, got %s" % type(data).__name__)
        super().__init__(data, None)
        object.__setattr__(self, "_root", self)
        object.__setattr__(self, "_path", os.fspath(path) if path is not None else None)
        object.__setattr__(self, "_base_dir",
                           os.path.abspath(base_dir if base_dir is not None else
                                           os.path.dirname(self._path) if self._path else os.getcwd()))

    @classmethod
    def load(cls, path):
        """Read a scenario file (its own keys: an `extends` chain is not
        merged in; `.validate()` gives the merged, resolved scenario)."""
        path = os.fspath(path)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        return cls.from_yaml(text, path=path)

    @classmethod
    def from_yaml(cls, text, path=None, base_dir=None):
        """A scenario from YAML text, read as the minrisk loader reads it
        (docs/PYTHON.md); path names it in messages, base_dir is where a
        relative `extends` is read from (default: path's directory, else the
        working directory). Text that is not YAML, or not a mapping, raises
        MinriskError."""
        try:
            data = yaml.load(text, Loader=_Loader)
        except _LeadingZero as e:  # the binary's words (sim/scenario/yaml.c)
            raise MinriskError("%s:%d:%d: expected an integer, got %s: a leading zero is refused, since "
                               "YAML 1.1 readers (PyYAML) take it as octal; write it without"
                               % (path or "<text>", e.mark.line + 1, e.mark.column + 1, e.text)) from None
        except yaml.YAMLError as e:
            raise MinriskError("%s: not YAML: %s" % (path or "<text>", str(e).replace("\n", " "))) from None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise MinriskError("%s: a scenario is a mapping of keys" % (path or "<text>"))
        return cls(data, path=path, base_dir=base_dir)

    @property
    def path(self):
        """The file it was loaded from (None when made in Python)."""
        return self._path

    @property
    def base_dir(self):
        """The directory a relative `extends` is read from."""
        return self._base_dir

    def copy(self):
        """A deep copy (the same path and base_dir): changing it leaves this
        scenario as it is."""
        return Scenario(self._data, path=self._path, base_dir=self._base_dir)

    def _data_for(self, directory):
        """The data with a relative extends rewritten for a file in directory."""
        data = copy.deepcopy(self._data)
        ext = data.get("extends")
        if isinstance(ext, str) and ext and not os.path.isabs(ext):
            target = os.path.normpath(os.path.join(self._base_dir, ext))
            rel = os.path.relpath(target, os.path.abspath(directory))
            data["extends"] = target if rel.startswith("..") else rel
        return data

    def to_yaml(self, directory=None):
        """The scenario as YAML text (extends relative to directory, default
        base_dir)."""
        data = self._data_for(directory or self._base_dir)
        return yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                         allow_unicode=True, width=100)

    def dump(self, path):
        """Write the scenario to path (YAML); returns path."""
        path = os.fspath(path)
        text = self.to_yaml(os.path.dirname(os.path.abspath(path)))
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def _temporary(self, tmpdir):
        name = os.path.basename(self._path) if self._path else "scenario.yaml"
        return self.dump(os.path.join(tmpdir, name))

    def validate(self):
        """Check the scenario with `minrisk validate` (every sweep variant
        too); return the resolved scenario (a Scenario: the extends chain
        merged, every default filled in, policies applied). A refused
        scenario raises MinriskError: str(e) is the binary's one line
        (`file:line:col: key.path: message`, the file being the temporary
        copy written for the check; e.text is the text of the file the
        message names: the copy, or a file it extends). The
        binary's warnings (a scenario that can give no loss, e.g. a sector
        that needs no mineral) go to sys.stderr, one line each, as
        `minrisk validate` prints them."""
        with tempfile.TemporaryDirectory(prefix="minrisk-") as tmp:
            path = self._temporary(tmp)
            out, err = call(["validate", path], progress=False, with_stderr=True)
        for line in err.splitlines():
            if line.startswith("warning:"):
                print(line, file=sys.stderr)
        return Scenario.from_yaml(out, base_dir=self._base_dir)

    def __repr__(self):
        head = "# minrisk.Scenario%s\n" % (" from %s" % self._path if self._path else "")
        return head + super().__repr__()
