# Body of the client trust script. components/clientTrust/script.ts puts the settings of one client
# host above it (ACTION, OWNER, ROOT, DIRS, FILES as path|mode|index into CONTENTS (base64),
# INSECURE, MIRRORS (registry-mirrors URLs), LOGINS, LOGIN_USER, LOGIN_WAIT (seconds), CONTAINERD_CERTS_DIR) and ships
# the whole text as one `bash -c` command.
#
# It reconciles the host with those settings: what this stack wrote before is listed in a
# manifest, $ROOT/var/lib/private-registry/$OWNER.manifest, so a run adds what is missing,
# updates what it owns, removes what it owns and no longer wants, and never touches a file it
# did not write. ACTION=remove wants nothing, so it removes exactly what earlier runs added.
# Output: what changed on stdout, warnings on stderr; never a secret (no set -x).

umask 022
say() { printf '%s\n' "$*"; }
warn() { printf 'private-registry: %s\n' "$*" >&2; }
fail() { printf 'private-registry: %s\n' "$*" >&2; exit 1; }

# Root, or root through `sudo -n` (never a password prompt). The script runs again under sudo
# with the same text; the SSH user is passed on, since `docker login` is for that user.
if [ "$(id -u)" -ne 0 ]; then
  if sudo_error=$(sudo -n true 2>&1); then
    exec sudo -n -- bash -c "$BASH_EXECUTION_STRING" private-registry-trust "$(id -un)"
  fi
  fail "user $(id -un) is not root and cannot use sudo without a password (sudo -n true: ${sudo_error:-failed}). Connect as root, or allow this user passwordless sudo."
fi
login_as=${1:-$(id -un)}

# The registry password comes on stdin, only when this host logs Docker in. Nothing else reads stdin.
password=
if [ "$ACTION" = apply ] && [ "${#LOGINS[@]}" -gt 0 ]; then
  IFS= read -r password || true
  [ -n "$password" ] || fail "docker login needs the registry password on stdin, and stdin was empty"
fi
exec </dev/null

state_dir="$ROOT/var/lib/private-registry"
manifest="$state_dir/$OWNER.manifest"
daemon_json="$ROOT/etc/docker/daemon.json"
# owned: what the manifest listed when the run began, minus what this run has removed since.
# wanted: what this run keeps or added.
declare -A owned=() wanted=()
changes=0
if [ -f "$manifest" ]; then
  while IFS= read -r entry; do
    if [ -n "$entry" ]; then owned["$entry"]=1; fi
  done <"$manifest"
fi
keep() { wanted["$1"]=1; }
disown_entry() { unset 'owned[$1]'; }
changed() { say "$*"; changes=$((changes + 1)); }

# Writes the manifest: what is wanted, plus, after a failure, everything owned and not yet
# removed, so that the next run or the delete still knows what this stack wrote.
write_manifest() {
  local entry next="$state_dir/.$OWNER.next"
  {
    for entry in "${!wanted[@]}"; do say "$entry"; done
    if [ "$1" = failed ]; then for entry in "${!owned[@]}"; do say "$entry"; done; fi
  } | sort -u >"$next"
  if [ ! -s "$next" ]; then
    rm -f "$next" "$manifest"
    rmdir "$state_dir" 2>/dev/null || true
  elif cmp -s "$next" "$manifest"; then
    rm -f "$next"
  else
    chmod 0644 "$next"
    mv -f "$next" "$manifest"
  fi
}
mkdir -p -m 0755 "$state_dir"
trap 'status=$?; if [ "$status" -ne 0 ]; then write_manifest failed; fi' EXIT

# True when another stack's (or client's) manifest on this host lists the entry: such files,
# folders, logins and daemon.json entries are shared, and only the last owner removes them.
others_own() {
  local other
  for other in "$state_dir"/*.manifest; do
    if [ "$other" != "$manifest" ] && [ -f "$other" ] && grep -qxF -- "$1" "$other"; then return 0; fi
  done
  return 1
}

# Runs a command as the user whose Docker is logged in (the SSH user).
as_user() {
  local user=$1
  shift
  if [ "$user" = "$(id -un)" ]; then "$@"; else sudo -n -u "$user" -H -- "$@"; fi
}

# True when the user's Docker config already has credentials for the address.
logged_in() {
  local home
  home=$(getent passwd "$1" | cut -d: -f6)
  grep -qF -- "\"$2\"" "${home:-/nonexistent}/.docker/config.json" 2>/dev/null
}

# Edits daemon.json's lists with Python's JSON parser: keeps every other key, never appends text.
# Usage: daemon_json_edit check|edit|final DELETE_IF_EMPTY KEY ADD... -- REMOVE... [++ KEY ADD... -- REMOVE...]
# The first edit of an existing file keeps its text as daemon.json.private-registry.bak; an edit
# that brings the content back to the backup's writes the backup's own bytes, so removing what
# this stack added restores the host's file byte for byte. Docker's reload keeps a list whose key
# is gone from the file, so `edit` writes a list it empties as [] and says "emptied KEY": reload
# Docker, then run `final` with the same arguments to write the file without the key.
daemon_json_edit() {
  python3 - "$daemon_json" "$@" <<'PY'
import json, os, sys
path, mode, delete_if_empty = os.path.realpath(sys.argv[1]), sys.argv[2], sys.argv[3] == "yes"
sections, rest = [], sys.argv[4:]
while rest:
    end = rest.index("++") if "++" in rest else len(rest)
    part, rest = rest[:end], rest[end + 1:]
    sections.append((part[0], part[1:part.index("--")], part[part.index("--") + 1:]))
def fail(message):
    print("private-registry: " + message, file=sys.stderr)
    sys.exit(1)
existed = os.path.exists(path)
text = open(path, encoding="utf-8").read() if existed else ""
try:
    config = json.loads(text) if text.strip() else {}
except ValueError as error:
    fail("%s is not valid JSON (%s); nothing was changed, fix it first" % (path, error))
if not isinstance(config, dict):
    fail("%s does not hold a JSON object; nothing was changed" % path)
for key, _, _ in sections:
    current = config.get(key, [])
    if not isinstance(current, list) or not all(isinstance(x, str) for x in current):
        fail("%s: %s is not a list of strings; nothing was changed" % (path, key))
if mode == "check" or (not existed and not any(add for _, add, _ in sections)):
    sys.exit(0)
result = dict(config)
for key, add, remove in sections:
    current = config.get(key, [])
    values = [x for x in current if x not in remove]
    added = [a for a in add if a not in values]
    values += added
    for a in add:
        print(("added " if a in added else "present ") + key + " " + a)
    if values:
        result[key] = values
    else:
        result.pop(key, None)
if result == config and existed:
    sys.exit(0)
file_mode = os.stat(path).st_mode & 0o777 if existed else 0o644
backup = path + ".private-registry.bak"
if existed and not os.path.exists(backup):
    with open(backup, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(backup, file_mode)
    print("backup " + backup)
emptied = [key for key, _, _ in sections if config.get(key) and key not in result]
def write(content):
    tmp = path + ".private-registry.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(content)
    os.chmod(tmp, file_mode)
    os.replace(tmp, path)
if mode == "edit" and emptied:
    interim = dict(result)
    for key in emptied:
        interim[key] = []
        print("emptied " + key)
    write(json.dumps(interim, indent=2) + "\n")
    print("changed " + path)
    sys.exit(0)
if not result and delete_if_empty and existed:
    os.remove(path)
    print("deleted " + path)
    sys.exit(0)
out = json.dumps(result, indent=2) + "\n"
if os.path.exists(backup):
    original = open(backup, encoding="utf-8").read()
    try:
        if (json.loads(original) if original.strip() else {}) == result:
            out = original
    except ValueError:
        pass
write(out)
print(("created " if not existed else "changed ") + path)
PY
}

# Docker re-reads insecure-registries and registry-mirrors on SIGHUP (a reload), so running containers
# keep running. Sets docker_reloaded=yes when it sent the reload.
docker_reloaded=no
reload_docker() {
  local pid
  if [ -z "$ROOT" ] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker 2>/dev/null; then
    if systemctl reload docker; then
      say "reloaded Docker (systemctl reload docker)"
      docker_reloaded=yes
    else
      warn "systemctl reload docker failed; reload Docker yourself"
    fi
    return
  fi
  pid=$(cat "$ROOT/var/run/docker.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -HUP "$pid"
    say "reloaded Docker (SIGHUP to dockerd, pid $pid)"
    docker_reloaded=yes
  else
    warn "Docker is not running, or not under systemd with a pid file to signal; it reads $daemon_json when it starts: restart Docker if it runs"
  fi
}

# A reload returns before Docker has applied it: waits up to 15 s until Docker's registry settings
# no longer hold any of the given insecure-registries addresses or registry-mirrors URLs, asking it
# over its socket and comparing whole values.
wait_for_docker_to_drop() {
  local socket="$ROOT/var/run/docker.sock" info tries=0
  if [ "$#" -eq 0 ]; then return 0; fi
  if ! command -v docker >/dev/null 2>&1 || [ ! -S "$socket" ]; then
    warn "cannot ask Docker (no docker CLI or no $socket) whether it dropped $*; restart Docker if it still uses them"
    return 0
  fi
  while [ "$tries" -lt 30 ]; do
    info=$(docker -H "unix://$socket" info --format '{{json .RegistryConfig}}' 2>/dev/null) || break
    if python3 - "$info" "$@" <<'PY'
import json, sys
config = json.loads(sys.argv[1]) or {}
held = set((config.get("IndexConfigs") or {}).keys()) | {m.rstrip("/") for m in config.get("Mirrors") or []}
sys.exit(1 if any(v.rstrip("/") in held for v in sys.argv[2:]) else 0)
PY
    then
      return 0
    fi
    tries=$((tries + 1))
    sleep 0.5
  done
  warn "Docker still uses $* after the reload; restart Docker"
}

# What this stack owned before, of one kind ("file", "dir", "login", "insecure", "mirror"), and does not
# want now: one per line without the kind, in reverse order (children before parents).
stale_of_kind() {
  local entry
  for entry in "${!owned[@]}"; do
    if [ "${entry%% *}" = "$1" ] && [ -z "${wanted[$entry]:-}" ]; then say "${entry#* }"; fi
  done | sort -r
}

# True when the first argument is among the others.
listed() {
  local value=$1 item
  shift
  for item in "$@"; do
    if [ "$item" = "$value" ]; then return 0; fi
  done
  return 1
}

# 1. Checks, before anything changes.
conflicts=()
for dir in ${DIRS[@]+"${DIRS[@]}"}; do
  if [ -e "$ROOT$dir" ] && [ ! -d "$ROOT$dir" ]; then conflicts+=("$dir (not a directory)"); fi
done
for spec in ${FILES[@]+"${FILES[@]}"}; do
  IFS='|' read -r path mode index <<<"$spec"
  content=${CONTENTS[$index]}
  if [ -e "$ROOT$path" ] && [ -z "${owned["file $path"]:-}" ] && ! printf '%s' "$content" | base64 -d | cmp -s - "$ROOT$path"; then
    if others_own "file $path"; then conflicts+=("$path (written by another stack, with other content)"); else conflicts+=("$path"); fi
  fi
done
if [ "${#conflicts[@]}" -gt 0 ]; then
  fail "not written by this stack, so left alone: ${conflicts[*]}. Move them away and run pulumi up again; nothing was changed."
fi
owned_insecure=$(stale_of_kind insecure)
owned_mirrors=$(stale_of_kind mirror)
uses_daemon_json=no
if [ -n "$owned_insecure$owned_mirrors" ] || [ "${#INSECURE[@]}" -gt 0 ] || [ "${#MIRRORS[@]}" -gt 0 ]; then uses_daemon_json=yes; fi
if [ "$uses_daemon_json" = yes ]; then
  command -v python3 >/dev/null 2>&1 || fail "insecureRegistry and mirrors need python3 on this host, to edit $daemon_json as JSON; nothing was changed"
  daemon_json_edit check no insecure-registries -- ++ registry-mirrors --
  pid=$(cat "$ROOT/var/run/docker.pid" 2>/dev/null || true)
  flags=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  if [ -n "$pid" ] && { [ -n "$owned_insecure" ] || [ "${#INSECURE[@]}" -gt 0 ]; } && grep -q -- '--insecure-registry' <<<"$flags"; then
    fail "dockerd runs with --insecure-registry flags, and Docker refuses the same setting in daemon.json too; move them into $daemon_json first"
  fi
  if [ -n "$pid" ] && { [ -n "$owned_mirrors" ] || [ "${#MIRRORS[@]}" -gt 0 ]; } && grep -q -- '--registry-mirror' <<<"$flags"; then
    fail "dockerd runs with --registry-mirror flags, and Docker refuses the same setting in daemon.json too; move them into $daemon_json first"
  fi
fi

# 2. Directories (top-down) and files.
for dir in ${DIRS[@]+"${DIRS[@]}"}; do
  if [ -d "$ROOT$dir" ]; then
    if [ -n "${owned["dir $dir"]:-}" ] || others_own "dir $dir"; then keep "dir $dir"; fi
  else
    mkdir -m 0755 "$ROOT$dir"
    keep "dir $dir"
    changed "created $dir"
  fi
done
for spec in ${FILES[@]+"${FILES[@]}"}; do
  IFS='|' read -r path mode index <<<"$spec"
  content=${CONTENTS[$index]}
  target="$ROOT$path"
  if [ -e "$target" ] && [ -z "${owned["file $path"]:-}" ]; then
    if others_own "file $path"; then
      keep "file $path"
      say "$path: shared with another stack that wrote the same content"
    else
      say "$path is already there with the same content; left as it is (not ours)"
    fi
    continue
  fi
  tmp=$(mktemp "$target.XXXXXX")
  printf '%s' "$content" | base64 -d >"$tmp"
  chmod "$mode" "$tmp"
  if [ -e "$target" ] && cmp -s "$tmp" "$target" && [ "$(stat -c %a "$target")" = "${mode#0}" ]; then
    rm -f "$tmp"
  else
    verb=installed
    if [ -e "$target" ]; then verb=updated; fi
    mv -f "$tmp" "$target"
    changed "$verb $path"
  fi
  keep "file $path"
done

# 3. Docker logins of the SSH user, through stdin. Entries: "login <address> <user>". A login
# that was there before, and is not ours, is left as it is.
for address in ${LOGINS[@]+"${LOGINS[@]}"}; do
  entry="login $address $login_as"
  if [ -z "${owned[$entry]:-}" ] && ! others_own "$entry" && logged_in "$login_as" "$address"; then
    warn "$login_as is already logged in to $address with other credentials; left as it is"
    continue
  fi
  # With LOGIN_WAIT (an ACME registry ordering its first certificate) a login that fails the way
  # a starting registry or a CA still validating makes it fail (connection refused or reset, EOF,
  # a TLS handshake or i/o timeout) is tried again until the time is up. Anything else fails at
  # once: a refused password, an untrusted certificate, and TLS alert 80 ("internal error"), which
  # means the registry's order failed: every try after its one-minute pause would be another
  # failed validation counted by the CA's rate limits.
  started=$SECONDS
  retried=0
  until out=$(printf '%s\n' "$password" | as_user "$login_as" docker login --username "$LOGIN_USER" --password-stdin "$address" 2>&1); do
    if [ "$LOGIN_WAIT" -gt 0 ] && [ $((SECONDS - started)) -lt "$LOGIN_WAIT" ] &&
      grep -qiE 'connection refused|connection reset|EOF|TLS handshake timeout|i/o timeout' <<<"$out"; then
      retried=1
      sleep 3
      continue
    fi
    hint=""
    if [ "$LOGIN_WAIT" -gt 0 ] && grep -qiE 'tls: internal error' <<<"$out"; then
      hint=" (the registry has no certificate for this name: its ACME order failed; the registry's log says why)"
    fi
    waited=""
    if [ "$retried" -eq 1 ]; then waited=" after $((SECONDS - started)) s"; fi
    fail "docker login $address as registry user $LOGIN_USER (for $login_as) failed$waited: $out$hint"
  done
  if [ "$retried" -eq 1 ]; then say "docker login $address: waited $((SECONDS - started)) s for the registry's certificate"; fi
  keep "$entry"
  say "docker login $address: $login_as is logged in as $LOGIN_USER"
done
while IFS= read -r entry; do
  if [ -z "$entry" ]; then continue; fi
  address=${entry% *}
  user=${entry#* }
  disown_entry "login $entry"
  if others_own "login $entry"; then
    say "docker login $address for $user: kept for another stack"
  elif as_user "$user" docker logout "$address" >/dev/null 2>&1; then
    changed "docker logout $address for $user"
  else
    warn "docker logout $address for $user failed; remove its entry from ~$user/.docker/config.json by hand"
  fi
done < <(stale_of_kind login)

# 4. daemon.json's lists: legacy insecure-registries (entries "insecure <address>") and the Docker
# Hub mirrors in registry-mirrors ("mirror <url>"); "created <path>" / "backup <path>" for a
# daemon.json this stack created and the backup of one it found. One edit for both lists.

# Appends to the array named $3 the values of kind $1 (owned, listed in $2) that are no longer
# wanted ($4...) and that no other stack owns.
removals_of() {
  local kind=$1 owned_text=$2 value
  local -n into=$3
  shift 3
  while IFS= read -r value; do
    if [ -z "$value" ] || listed "$value" "$@"; then continue; fi
    if others_own "$kind $value"; then say "$kind $value: kept in daemon.json for another stack"; else into+=("$value"); fi
  done <<<"$owned_text"
}

# Keeps the entries of kind $1 for the wanted values ($3...) that are ours: owned before, added by
# this edit (its output is $2), or shared with another stack.
keep_daemon_values() {
  local kind=$1 key=$2 edit_output=$3 value
  shift 3
  for value in "$@"; do
    if [ -n "${owned["$kind $value"]:-}" ] || grep -qxF "added $key $value" <<<"$edit_output" || others_own "$kind $value"; then
      keep "$kind $value"
    fi
  done
}

if [ "$uses_daemon_json" = yes ]; then
  remove_insecure=()
  remove_mirrors=()
  removals_of insecure "$owned_insecure" remove_insecure ${INSECURE[@]+"${INSECURE[@]}"}
  removals_of mirror "$owned_mirrors" remove_mirrors ${MIRRORS[@]+"${MIRRORS[@]}"}
  delete_if_empty=no
  if [ -n "${owned["created /etc/docker/daemon.json"]:-}" ]; then delete_if_empty=yes; fi
  edit_lists=(insecure-registries ${INSECURE[@]+"${INSECURE[@]}"} -- ${remove_insecure[@]+"${remove_insecure[@]}"}
    ++ registry-mirrors ${MIRRORS[@]+"${MIRRORS[@]}"} -- ${remove_mirrors[@]+"${remove_mirrors[@]}"})
  edit_output=$(daemon_json_edit edit "$delete_if_empty" "${edit_lists[@]}")
  if grep -q '^emptied ' <<<"$edit_output"; then
    # Docker keeps a list whose key is gone: it reloads the emptied list first, then the key goes.
    reload_docker
    if [ "$docker_reloaded" = yes ]; then wait_for_docker_to_drop ${remove_insecure[@]+"${remove_insecure[@]}"} ${remove_mirrors[@]+"${remove_mirrors[@]}"}; fi
    edit_output+=$'\n'$(daemon_json_edit final "$delete_if_empty" "${edit_lists[@]}")
  fi
  keep_daemon_values insecure insecure-registries "$edit_output" ${INSECURE[@]+"${INSECURE[@]}"}
  keep_daemon_values mirror registry-mirrors "$edit_output" ${MIRRORS[@]+"${MIRRORS[@]}"}
  while IFS= read -r value; do
    if [ -n "$value" ]; then disown_entry "insecure $value"; fi
  done <<<"$owned_insecure"
  while IFS= read -r value; do
    if [ -n "$value" ]; then disown_entry "mirror $value"; fi
  done <<<"$owned_mirrors"
  if [ "${#INSECURE[@]}" -gt 0 ] || [ "${#MIRRORS[@]}" -gt 0 ]; then
    if grep -q '^created ' <<<"$edit_output" || [ "$delete_if_empty" = yes ]; then keep "created /etc/docker/daemon.json"; fi
    # The backup holds the file as it was before the first stack's edit: every stack with entries
    # in the file shares it, and the last one to leave removes it.
    if grep -q '^backup ' <<<"$edit_output" || [ -n "${owned["backup /etc/docker/daemon.json.private-registry.bak"]:-}" ] ||
      others_own "backup /etc/docker/daemon.json.private-registry.bak"; then
      keep "backup /etc/docker/daemon.json.private-registry.bak"
    fi
  elif { [ -n "${owned["backup /etc/docker/daemon.json.private-registry.bak"]:-}" ] || grep -q '^backup ' <<<"$edit_output"; } &&
    ! others_own "backup /etc/docker/daemon.json.private-registry.bak"; then
    # The backup is ours too; once none of our entries is left, it goes.
    rm -f "$daemon_json.private-registry.bak"
  fi
  if [ "${#INSECURE[@]}" -eq 0 ] && [ "${#MIRRORS[@]}" -eq 0 ]; then
    disown_entry "created /etc/docker/daemon.json"
    disown_entry "backup /etc/docker/daemon.json.private-registry.bak"
  fi
  if grep -qE '^(created|changed|deleted) ' <<<"$edit_output"; then
    for value in ${remove_insecure[@]+"${remove_insecure[@]}"}; do changed "insecure-registries: removed $value"; done
    for value in ${remove_mirrors[@]+"${remove_mirrors[@]}"}; do changed "registry-mirrors: removed $value"; done
    while read -r verb key value; do
      if [ "$verb" = added ]; then changed "$key: added $value"; fi
    done <<<"$edit_output"
    if grep -q '^deleted ' <<<"$edit_output"; then changed "removed /etc/docker/daemon.json (created by this stack, now empty)"; fi
    if [ "$docker_reloaded" = no ]; then reload_docker; fi
  fi
fi

# 5. Files and directories this stack wrote and no longer wants (children before parents);
# what another stack's manifest also lists stays for that stack.
while IFS= read -r path; do
  if [ -z "$path" ]; then continue; fi
  disown_entry "file $path"
  if others_own "file $path"; then
    say "$path: kept for another stack"
  else
    rm -f "$ROOT$path"
    changed "removed $path"
  fi
done < <(stale_of_kind file)
while IFS= read -r dir; do
  if [ -z "$dir" ]; then continue; fi
  disown_entry "dir $dir"
  if others_own "dir $dir"; then
    continue
  elif rmdir "$ROOT$dir" 2>/dev/null; then
    changed "removed $dir"
  elif [ -d "$ROOT$dir" ]; then
    warn "left $dir in place: it holds files this stack did not write"
  fi
done < <(stale_of_kind dir)

# 6. containerd reads certs.d only when its config_path names the folder. It reads hosts.toml
# on every pull, so nothing here needs a restart; its own config is never edited.
if [ -n "$CONTAINERD_CERTS_DIR" ]; then
  # containerd's merged config (imports and defaults included) and the file itself. containerd
  # 1.x writes the value in double quotes, 2.x in single quotes.
  containerd_config="$ROOT/etc/containerd/config.toml"
  effective=
  if command -v containerd >/dev/null 2>&1; then
    if [ -f "$containerd_config" ]; then
      effective=$(containerd --config "$containerd_config" config dump 2>/dev/null || true)
    else
      effective=$(containerd config default 2>/dev/null || true)
    fi
  fi
  effective+=$'\n'$(cat "$containerd_config" 2>/dev/null || true)
  config_path=$(sed -n "s/^[[:space:]]*config_path[[:space:]]*=[[:space:]]*[\"']\\(.*\\)[\"'][[:space:]]*\$/\\1/p" <<<"$effective" | grep -v '^$' | tr '\n' ':' || true)
  config_path=${config_path%:}
  case ":$config_path:" in
    *":$CONTAINERD_CERTS_DIR:"*) say "containerd reads $CONTAINERD_CERTS_DIR (config_path); no restart needed" ;;
    *) warn "containerd's config_path is ${config_path:-not set}, so Kubernetes (CRI) pulls ignore $CONTAINERD_CERTS_DIR until you set config_path = \"$CONTAINERD_CERTS_DIR\" in the registry section of /etc/containerd/config.toml and restart containerd; nerdctl and ctr --hosts-dir use it already" ;;
  esac
fi

# 7. The manifest: what this stack owns on this host now.
write_manifest done
if [ "$changes" -eq 0 ]; then say "nothing to change"; fi
