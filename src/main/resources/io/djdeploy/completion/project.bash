
# ---- djdeploy: candidates from the project (appended to picocli's script) ----------------------
# Environment names, host and role names come from deploy.yml (-c/--config, else ./deploy.yml),
# release ids from the first host's ledger; `djdeploy __complete KIND [ENV]` prints them, one a line.
# Everything else (subcommands, options, enum values) is picocli's completion above.

# Options that take a value, so their value is not taken for the ENV or ID positional.
_djdeploy_arg_opts=" @ARG_OPTS@ "

_djdeploy_project() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cfg="" sub="" i w kind=""
  local -a pos=()
  (( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
  for (( i = 1; i < COMP_CWORD; i++ )); do
    w="${COMP_WORDS[i]}"
    if [[ "$w" == "--" ]]; then return 1; fi   # exec's remote command: nothing of ours
    if [[ "$w" == -c || "$w" == --config ]]; then cfg="${COMP_WORDS[i+1]}"; (( i++ )); continue; fi
    if [[ "$w" == --config=* ]]; then cfg="${w#--config=}"; continue; fi
    if [[ "$w" == -* ]]; then
      [[ "$w" != *=* && "$_djdeploy_arg_opts" == *" $w "* ]] && (( i++ ))
      continue
    fi
    if [[ -z "$sub" ]]; then sub="$w"; else pos+=("$w"); fi
  done
  [[ -z "$sub" || "$sub" == completion || "$sub" == init || "$sub" == demo ]] && return 1
  case "$prev" in
    --to) kind=releases ;;
    --hosts|--host) kind=hosts ;;
    --roles|--role) kind=roles ;;
    *)
      [[ "$cur" == -* ]] && return 1
      if (( ${#pos[@]} == 0 )); then kind=envs
      elif [[ "$sub" == report && ${#pos[@]} == 1 ]]; then kind=releases
      else return 1
      fi ;;
  esac
  local -a args=(__complete "$kind")
  [[ -n "$cfg" ]] && args+=(-c "$cfg")
  (( ${#pos[@]} > 0 )) && args+=("${pos[0]}")
  local words prefix=""
  words="$("${COMP_WORDS[0]}" "${args[@]}" 2>/dev/null)" || return 1
  # --hosts a,b,<TAB>: complete the element after the last comma
  if [[ "$kind" == hosts || "$kind" == roles ]] && [[ "$cur" == *,* ]]; then
    prefix="${cur%,*},"
    cur="${cur##*,}"
  fi
  local IFS=$'\n'
  COMPREPLY=( $(compgen -P "$prefix" -W "$words" -- "$cur") )
  return 0
}

_djdeploy_complete() {
  _djdeploy_project && return 0
  _complete_djdeploy "$@"
}

complete -F _djdeploy_complete -o default djdeploy djdeploy.sh djdeploy.bash
