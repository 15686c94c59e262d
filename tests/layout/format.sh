#!/bin/sh
# format.sh - every .c and .h under sim/, models/, out/, tests/ and bench/ is
# as clang-format leaves it (the root's .clang-format), label `layout`.
# usage: format.sh SOURCE_ROOT CLANG_FORMAT
#   CLANG_FORMAT empty or *-NOTFOUND (not found at configure time): skipped,
#   status 77.
# Prints each file that differs, with the command that fixes it.
src=$1 cf=${2:-}
case $cf in
"" | *-NOTFOUND) cf="" ;;
esac
if [ -z "$cf" ]; then
    echo "format: skipped: clang-format was not found when cmake configured this build" \
         "(apt-get install clang-format, then re-run cmake)"
    exit 77
fi
cd "$src" || exit 2
[ -f .clang-format ] || { echo "format: no .clang-format in $src" >&2; exit 2; }
n=0 bad=0
for f in $(find sim models out tests bench -name '*.[ch]' | LC_ALL=C sort); do
    n=$((n + 1))
    if ! "$cf" --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "$f: not clang-formatted (fix: clang-format -i $f)"
        bad=$((bad + 1))
    fi
done
echo "format: $n files, $bad not clang-formatted ($("$cf" --version))"
[ "$bad" -eq 0 ]
