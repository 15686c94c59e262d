#!/usr/bin/env bash
# loader_no_echo.sh MINRISK SRC - issue 11 case 6: `extends` may name any
# file (an absolute path, one outside the scenario's folder), but a file
# that is not a scenario is never printed: the message names it and says
# where it stops being one, printing none of its text. The scenario
# itself, named on the command line, is quoted at most 40 characters of the
# token at fault, control characters escaped.
. "$(dirname "$0")/common.sh" "$@"

secret='root:$6$Zq8sVt3kYp$0123456789abcdefghijklmnopqrstuvwxyzTOPSECRET:19000:0:99999:7:::'
mkdir -p etc sub
printf '%s\ndaemon:*:19000:0:99999:7:::\n' "$secret" >etc/shadow
printf 'A private note, the PIN is 4711\nand the second line\n' >etc/notes
printf 'A private note: the PIN is 4711.\nSecond line.\n' >etc/pin
printf 'name: child\nextends: %s/etc/shadow\n' "$PWD" >sub/abs.yaml
printf 'name: child\nextends: ../etc/notes\n' >sub/rel.yaml
printf 'name: child\nextends: ../etc/pin\n' >sub/pin.yaml

cut40='root:$6$Zq8sVt3kYp$0123456789abcdefghijk...'
expect 2 "sub/abs.yaml:2:10: extends: '$PWD/etc/shadow': not a YAML scenario (line 1, column 1: none of its keys is a scenario's)" \
    validate sub/abs.yaml
expect 2 "sub/rel.yaml:2:10: extends: 'etc/notes': not a YAML scenario (line 1, column 1: a text, not a mapping of keys)" \
    validate sub/rel.yaml
expect 2 "sub/pin.yaml:2:10: extends: 'etc/pin': not a YAML scenario (line 3, column 1: could not find expected ':')" \
    validate sub/pin.yaml
for f in sub/abs.yaml sub/rel.yaml sub/pin.yaml; do
    "$bin" validate "$f" 2>>all.txt
done
# not a byte of a parent's content: not even the salt of the hash
if grep -q 'Zq8sVt3kYp\|TOPSECRET\|4711\|private' all.txt; then
    fail "a secret was printed: $(cat all.txt)"
fi
# the scenario itself: the key cut at 40 characters, in the key path too
expect 2 "etc/shadow:1:1: $cut40: unknown key '$cut40' (expected one of: name, description, extends, simulation, defaults, rationing, policies, countries, minerals, sectors, events, interdependency, price_correlation, output, sweep, uncertain, importance)" \
    validate etc/shadow
finish
