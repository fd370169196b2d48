#!/usr/bin/env bash
# Static checks of the container setup, without starting a container:
#   - `docker-compose config` of every combination: the base file, base + dev override, and
#     base + production overlay when docker-compose.prod.yml exists (with .env.example's values);
#   - shellcheck on every shell script in the repository (warnings and errors; its style and
#     info notes are printed by `shellcheck FILE`);
#   - yamllint on every YAML file (.yamllint);
#   - no `latest` tag and no untagged image in the Dockerfiles and the resolved compose files;
#   - the runtime stage of every Dockerfile in infra/docker/ (not the test images) sets a
#     non-root USER.
# Installs shellcheck, yamllint and docker-compose with apt-get when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

failures=0
fail() {
  echo "static.sh: FAIL: $*" >&2
  failures=$((failures + 1))
}
say() { echo "static.sh: $*" >&2; }

missing=()
command -v shellcheck >/dev/null || missing+=(shellcheck)
command -v yamllint >/dev/null || missing+=(yamllint)
command -v docker-compose >/dev/null || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || {
    echo "static.sh: FAIL: ${missing[*]} missing; run as root to install them" >&2
    exit 1
  }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
fi

WORK=$(mktemp -d /tmp/oceandash-static-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
# The documented settings, plus what the production overlay needs to resolve.
cp .env.example "$WORK/.env"
echo "DOMAIN_NAME=dashboard.example.test" >>"$WORK/.env"

# ---- compose combinations -----------------------------------------------------------------
combinations=("docker-compose.yml" "docker-compose.yml docker-compose.override.yml")
[ -f docker-compose.prod.yml ] && combinations+=("docker-compose.yml docker-compose.prod.yml")
for combination in "${combinations[@]}"; do
  args=()
  for file in $combination; do args+=(-f "$ROOT/$file"); done
  # A caller's environment must not decide the result: only the env file's values count.
  if ! env -i PATH="$PATH" docker-compose --env-file "$WORK/.env" "${args[@]}" config \
    >"$WORK/resolved.yml" 2>"$WORK/config.err"; then
    fail "docker-compose config ($combination): $(cat "$WORK/config.err")"
    continue
  fi
  say "docker-compose config ($combination): valid"
  while read -r image; do
    case "$image" in
      *:latest | *:latest@*) fail "$combination: image $image uses the latest tag" ;;
      *@sha256:*) ;;
      *:*) ;;
      *) fail "$combination: image $image has no tag (that is latest)" ;;
    esac
  done < <(sed -n 's/^ *image: *//p' "$WORK/resolved.yml" | tr -d "'\"")
done

# ---- shellcheck ---------------------------------------------------------------------------
scripts=()
while IFS= read -r file; do
  case "$file" in
    */node_modules/* | *.tftpl) continue ;;
  esac
  [ -f "$file" ] || continue
  if [[ "$file" == *.sh ]] || head -n 1 "$file" | grep -qE '^#!.*\b(ba)?sh\b'; then
    scripts+=("$file")
  fi
done < <(git ls-files --cached --others --exclude-standard)
if shellcheck -x --severity=warning "${scripts[@]}" >"$WORK/shellcheck.out" 2>&1; then
  say "shellcheck: ${#scripts[@]} scripts clean"
else
  cat "$WORK/shellcheck.out" >&2
  fail "shellcheck found problems (above)"
fi

# ---- yamllint -----------------------------------------------------------------------------
yaml=()
while IFS= read -r file; do
  case "$file" in */node_modules/*) continue ;; esac
  [ -f "$file" ] && yaml+=("$file")
done < <(git ls-files --cached --others --exclude-standard -- '*.yml' '*.yaml' '.yamllint')
if yamllint --strict -c .yamllint "${yaml[@]}" >"$WORK/yamllint.out" 2>&1; then
  say "yamllint: ${#yaml[@]} files clean"
else
  cat "$WORK/yamllint.out" >&2
  fail "yamllint found problems (above)"
fi

# ---- Dockerfiles: tags and users ----------------------------------------------------------
while IFS= read -r dockerfile; do
  stages=()
  declare -A arg_defaults=()
  last_from=0
  user=""
  line_number=0
  while IFS= read -r line; do
    line_number=$((line_number + 1))
    if [[ "$line" =~ ^ARG[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)=([^[:space:]]*) ]]; then
      arg_defaults[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
    elif [[ "$line" =~ ^FROM[[:space:]]+([^[:space:]]+)([[:space:]]+AS[[:space:]]+([^[:space:]]+))? ]]; then
      image=${BASH_REMATCH[1]}
      stage=${BASH_REMATCH[3]}
      # FROM ${NAME} / $NAME: the image an unset build argument gives (its ARG default).
      if [[ "$image" =~ ^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$ ]]; then
        image=${arg_defaults[${BASH_REMATCH[1]}]:-}
        [ -n "$image" ] ||
          fail "$dockerfile:$line_number: FROM ${BASH_REMATCH[1]} has no ARG default image"
      fi
      last_from=$line_number
      user=""
      if ! printf '%s\n' "${stages[@]:-}" | grep -qxF "$image"; then
        case "$image" in
          *:latest | *:latest@*) fail "$dockerfile:$line_number: FROM $image uses the latest tag" ;;
          *@sha256:* | *:*) ;;
          *) fail "$dockerfile:$line_number: FROM $image has no tag (that is latest)" ;;
        esac
      fi
      [ -n "$stage" ] && stages+=("$stage")
    elif [[ "$line" =~ ^USER[[:space:]]+([^[:space:]]+) ]]; then
      user=${BASH_REMATCH[1]}
    fi
  done <"$dockerfile"
  [ $last_from -gt 0 ] || fail "$dockerfile: no FROM"
  case "$dockerfile" in
    infra/docker/test/*) continue ;; # test images stand in for third-party ones
  esac
  case "$user" in
    "" | root | 0 | root:* | 0:*)
      fail "$dockerfile: the runtime stage (FROM at line $last_from) runs as root (USER '${user}')"
      ;;
    *) say "$dockerfile: runtime user $user" ;;
  esac
done < <(git ls-files --cached --others --exclude-standard -- 'Dockerfile*' '*/Dockerfile*' |
  grep -v node_modules)
if grep -rnE --include='*.yml' --include='*.yaml' --include='Dockerfile*' --include='*.sh' \
  --exclude-dir=node_modules --exclude-dir='build*' --exclude-dir=.git \
  '(image:|FROM)[^#]*:latest\b' . >"$WORK/latest.out"; then
  cat "$WORK/latest.out" >&2
  fail "a latest tag is named (above)"
fi

if [ $failures -gt 0 ]; then
  echo "static.sh: $failures check(s) failed" >&2
  exit 1
fi
echo "static.sh: PASS"
