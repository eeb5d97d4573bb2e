# Usage: zsh -f tests/support/zsh-complete.zsh SCRIPT 'COMMAND LINE'
#
# Loads the completion SCRIPT into an interactive zsh (compinit) running on a
# pseudo-terminal, types COMMAND LINE and Tab, and prints the candidates
# zsh's completion offers, one per line, as a person would see them listed.
# Each candidate is caught where completion functions hand it to `compadd`
# (`compadd -O` applies zsh's own matching without adding anything).
# Exit status 3: zsh lacks zpty; 4: completion did not finish within 10 s.
emulate -L zsh
script=$1 line=$2
zmodload zsh/zpty || exit 3
zpty z zsh -f -i || exit 3
zpty -w z 'PS1=; PS2=; RPS1=; autoload -Uz compinit && compinit -u -D'
zpty -w z "source ${(q)script}"
# The markers are written split ("<<""hit>>") so the echo of these lines is
# not mistaken for output.
zpty -w z 'compadd() { local -a __hits; builtin compadd -O __hits "$@"; (( $#__hits )) && print -rl -- "" "<<""hit>>"${^__hits}; builtin compadd "$@"; }'
zpty -w z 'comppostfuncs=(__done); __done() { print -r -- "<<""done>>"; }'
zpty -n -w z "$line"$'\t'
out= chunk=
integer waited=0
until [[ $out == *'<<done>>'* ]]; do
  if zpty -r -t z chunk; then
    out+=$chunk
  else
    if (( waited++ > 200 )); then
      zpty -d z
      print -r -- "time-out; zsh printed: $out" >&2
      exit 4
    fi
    sleep 0.05
  fi
done
zpty -d z
# Lines holding a marker, with everything up to the marker removed.
print -rl -- ${${(M)${(f)out//$'\r'/}:#*\<\<hit\>\>*}#*\<\<hit\>\>}
