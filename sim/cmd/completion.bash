# bash completion for minrisk (sim/cmd/completion.bash): commands, each
# command's options, scenarios (.yaml, .yml) and result files (.h5) where a
# command takes them, directories where an option takes one.
#
# `cmake --install` puts it in <prefix>/share/bash-completion/completions/minrisk,
# where bash-completion finds it on first use of `minrisk` (for a prefix
# of /usr or /usr/local; else add <prefix>/share to XDG_DATA_DIRS). Without
# bash-completion: `source <prefix>/share/bash-completion/completions/minrisk`.
#
# The options mirror the tables of sim/cmd/*.c (getopt_long);
# tests/cli/completion.sh checks them against every command's --help.

_minrisk_commands="run validate init summary compare explain report export uncertainty bench"

# The options of command $1 ("" for minrisk itself), and those that take a value.
_minrisk_options() {
  case $1 in
  "") echo "-h --help --version" ;;
  run) echo "-h --help -o --output --trials --seed --threads -q --quiet -v --verbose
             --checkpoint-every --resume --events --counterfactual --target-precision
             --max-trials --importance --target --progress" ;;
  validate) echo "-h --help --schema --json-schema" ;;
  init) echo "-h --help --minerals --sectors -f --force" ;;
  summary) echo "-b --brief -h --help" ;;
  compare) echo "-h --help -o --output --trials --seed --threads --bootstrap -q --quiet
                 --progress" ;;
  explain) echo "-h --help --trial --sector --all-steps --run" ;;
  report) echo "-h --help -o --output -q --quiet" ;;
  export) echo "-h --help --csv --trials --run -q --quiet" ;;
  uncertainty) echo "-h --help -o --output --rows --block-trials --seed --resamples --threads
                     -q --quiet --progress" ;;
  bench) echo "-h --help --minerals --countries --sectors --years --density --dense --trials
               --seed --threads --reps --json -q --quiet --print-scenario" ;;
  esac
}

# What the value of option $2 of command $1 is: h5 (a result file to
# write), dir, file, or none (a number or a name: nothing to complete);
# empty when the option takes no value.
_minrisk_value() {
  case $1:$2 in
  run:-o | run:--output | compare:-o | compare:--output | uncertainty:-o | uncertainty:--output)
    echo h5 ;;
  report:-o | report:--output | export:--csv) echo dir ;;
  bench:--json) echo file ;;
  run:--trials | run:--seed | run:--threads | run:--checkpoint-every | compare:--trials | \
    run:--target-precision | run:--max-trials | run:--importance | run:--target | run:--progress | \
    compare:--progress | compare:--seed | compare:--threads | compare:--bootstrap | \
    explain:--trial | \
    explain:--sector | explain:--run | export:--run | uncertainty:--rows | \
    uncertainty:--block-trials | uncertainty:--seed | uncertainty:--resamples | \
    uncertainty:--threads | uncertainty:--progress | bench:--minerals | bench:--countries | \
    bench:--sectors | bench:--years | bench:--density | bench:--trials | bench:--seed | bench:--threads | \
    bench:--reps | init:--minerals | init:--sectors)
    echo none ;;
  esac
}

# What the arguments of command $1 are: yaml (scenarios), h5 or none.
_minrisk_args() {
  case $1 in
  run | validate | compare | uncertainty | init) echo yaml ;;
  summary | explain | report | export) echo h5 ;;
  *) echo none ;;
  esac
}

# COMPREPLY for files of kind $1 (yaml, h5, dir, file) matching $2.
_minrisk_files() {
  local kind=$1 cur=$2 f
  local IFS=$'\n'
  compopt -o filenames 2>/dev/null
  case $kind in
  yaml) COMPREPLY+=($(compgen -f -X '!*.yaml' -- "$cur") $(compgen -f -X '!*.yml' -- "$cur")) ;;
  h5) COMPREPLY+=($(compgen -f -X '!*.h5' -- "$cur")) ;;
  file) COMPREPLY+=($(compgen -f -- "$cur")) ;;
  esac
  # directories to go into (compgen -f also lists them: keep them once)
  local seen=$'\n'"${COMPREPLY[*]}"$'\n'
  for f in $(compgen -d -- "$cur"); do
    [[ $seen == *$'\n'"$f"$'\n'* ]] || COMPREPLY+=("$f")
  done
}

_minrisk() {
  COMPREPLY=()
  local cur=${COMP_WORDS[COMP_CWORD]} cmd="" i w opt="" ended=0 kind
  # the command: the first word that is not an option (or the one after --)
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    if [ "$w" = -- ]; then
      cmd=${COMP_WORDS[i + 1]}
      [ $((i + 1)) -lt "$COMP_CWORD" ] || cmd=""
      i=$((i + 1))
      break
    fi
    case $w in
    -*) ;;
    *) cmd=$w; break ;;
    esac
  done
  if [ -z "$cmd" ]; then
    case $cur in
    -*) COMPREPLY=($(compgen -W "$(_minrisk_options "")" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$_minrisk_commands" -- "$cur")) ;;
    esac
    return 0
  fi
  # after the command: has -- ended its options?
  for ((i = i + 1; i < COMP_CWORD; i++)); do
    [ "${COMP_WORDS[i]}" = -- ] && ended=1
  done
  # the option whose value is being typed: "--opt VALUE", "--opt=VALUE"
  # (bash splits at = when COMP_WORDBREAKS holds it, the default), "-qo VALUE"
  local prev=${COMP_WORDS[COMP_CWORD - 1]}
  if [ "$cur" = = ]; then
    opt=$prev cur=""
  elif [ "$prev" = = ] && [ "$COMP_CWORD" -ge 2 ]; then
    opt=${COMP_WORDS[COMP_CWORD - 2]}
  elif [[ $cur == --*=* ]]; then # COMP_WORDBREAKS without =
    opt=${cur%%=*} cur=${cur#*=}
  elif [ $ended -eq 0 ]; then
    case $prev in
    --*) opt=$prev ;;
    -?*) opt=-${prev: -1} ;; # a bundle's last letter takes the value
    esac
  fi
  kind=""
  [ -n "$opt" ] && [ $ended -eq 0 ] && kind=$(_minrisk_value "$cmd" "$opt")
  if [ -n "$kind" ]; then
    [ "$kind" = none ] || _minrisk_files "$kind" "$cur"
    if [[ ${COMP_WORDS[COMP_CWORD]} == --*=* ]]; then # keep the option's part
      COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
    fi
    return 0
  fi
  if [ $ended -eq 0 ] && [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_minrisk_options "$cmd")" -- "$cur"))
    return 0
  fi
  kind=$(_minrisk_args "$cmd")
  [ "$kind" = none ] || _minrisk_files "$kind" "$cur"
  return 0
}

complete -F _minrisk minrisk
