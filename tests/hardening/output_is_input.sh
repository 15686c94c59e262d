#!/usr/bin/env bash
# Issue 11, case 2: the output (or its checkpoint path) may not be the
# scenario, under any name (a hard link, another spelling), nor a file of
# its `extends` chain; nor may it be named like minrisk's own side files
# (a checkpoint, a lock, a temporary file) or like a scenario (.yaml,
# .yml). Exit status 2, nothing touched.
# usage: output_is_input.sh MINRISK SRC
. "$(dirname "$0")/common.sh" "$@"
cp "$demo" self.yaml
ln self.yaml hard.yaml
printf 'extends: self.yaml\nname: "child"\n' >child.yaml
cp self.yaml orig.yaml
o=(--trials 64 --quiet)

expect 2 "self.yaml: is the scenario file self.yaml itself; choose another -o" -- run self.yaml -o self.yaml "${o[@]}"
expect 2 "./self.yaml: is the scenario file self.yaml itself; choose another -o" -- run self.yaml -o ./self.yaml "${o[@]}"
expect 2 "hard.yaml: is the scenario file self.yaml itself; choose another -o" -- run self.yaml -o hard.yaml "${o[@]}"
expect 2 "self.yaml: is a file that child.yaml extends; choose another -o" -- run child.yaml -o self.yaml "${o[@]}"
# the checkpoint path of -o x is x.ckpt
cp self.yaml x.ckpt
expect 2 "x.ckpt (the checkpoint path of -o x): is the scenario file x.ckpt itself; choose another -o" -- run x.ckpt -o x "${o[@]}"
rm x.ckpt
cmp -s self.yaml orig.yaml || fail "the scenario was changed"

expect 2 "out.h5.ckpt: is named like a minrisk checkpoint (.ckpt); choose another -o" -- run self.yaml -o out.h5.ckpt "${o[@]}"
expect 2 "out.h5.lock: is named like a minrisk lock file (.lock); choose another -o" -- run self.yaml -o out.h5.lock "${o[@]}"
expect 2 "out.h5.tmp.4242: is named like a minrisk temporary file (.tmp.<pid>); choose another -o" -- run self.yaml -o out.h5.tmp.4242 "${o[@]}"
only self.yaml hard.yaml child.yaml orig.yaml

# named like a scenario (any case): another scenario is not replaced, and
# no result file takes a scenario's name (the Python package's
# compare(a, b, c) takes c as the output)
cp self.yaml other.yaml
y="is named like a scenario file (.yaml, .yml), which the result file would replace; choose another -o (result files end in .h5)"
expect 2 "other.yaml: $y" -- run self.yaml -o other.yaml "${o[@]}"
expect 2 "new.YML: $y" -- run self.yaml -o new.YML "${o[@]}"
expect 2 "other.yaml: $y" -- compare "$demo" self.yaml -o other.yaml "${o[@]}"
cmp -s other.yaml orig.yaml || fail "a scenario named by -o was changed"
rm other.yaml
only self.yaml hard.yaml child.yaml orig.yaml

# compare: either scenario
expect 2 "self.yaml: is the scenario file self.yaml itself; choose another -o" -- compare "$demo" self.yaml -o self.yaml "${o[@]}"
cmp -s self.yaml orig.yaml || fail "compare changed the scenario"
only self.yaml hard.yaml child.yaml orig.yaml
finish "the scenario, its hard link, its parent, scenario names and minrisk's side-file names refused as outputs"
