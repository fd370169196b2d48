#!/usr/bin/env bash
# The production overlay, running: docker-compose.yml + docker-compose.prod.yml with Caddy's
# internal CA for dash.oceandash.test resolved to 127.0.0.1 (curl --resolve, Chromium's
# host-resolver rules). HTTPS answers with a certificate for the domain, with HSTS, nosniff,
# Referrer-Policy, a strict CSP that the dashboard runs under in Chromium, and compression; HTTP
# redirects to HTTPS; no other service publishes a port.
#
#   tests/docker/prod.sh      (as root; REUSE_IMAGES=1 keeps already built backend/frontend images)
set -euo pipefail
TEST_NAME=prod
# shellcheck source=tests/docker/prod-lib.sh
. "$(dirname "$0")/prod-lib.sh"

prod_up

say "HTTPS with a certificate for $DOMAIN_NAME from the internal CA"
https -o /dev/null "$BASE/" || fail "curl does not verify $BASE/ against Caddy's internal root"

header() { # url header-name [curl options]: the value, or empty
  local url=$1 name=$2
  shift 2
  https -o /dev/null -D - "$@" "$url" | tr -d '\r' |
    awk -v n="$(echo "$name" | tr '[:upper:]' '[:lower:]')" -F': ' 'tolower($1) == n { print substr($0, length($1) + 3) }'
}
expect_header() { # url name pattern
  local value
  value=$(header "$1" "$2")
  [[ $value =~ $3 ]] || fail "$1: $2 is '$value', expected /$3/"
}
for url in "$BASE/" "$BASE/sources/" "$BASE/api/health/" "$BASE/api/locations/"; do
  expect_header "$url" Strict-Transport-Security '^max-age=31536000; includeSubDomains$'
  expect_header "$url" X-Content-Type-Options '^nosniff$'
  expect_header "$url" Referrer-Policy '^strict-origin-when-cross-origin$'
  [ -z "$(header "$url" Server)" ] || fail "$url: the Server header is sent"
done

say "a strict Content-Security-Policy: the dashboard's hashes, nothing inline allowed"
csp=$(header "$BASE/" Content-Security-Policy)
[ -n "$csp" ] || fail "the dashboard has no Content-Security-Policy"
[ "$(https -o /dev/null -D - "$BASE/" | grep -ci '^content-security-policy:')" = 1 ] ||
  fail "the dashboard answers with more than one Content-Security-Policy header"
for directive in "default-src 'self'" "object-src 'none'" "base-uri 'self'" "frame-ancestors 'none'"; do
  [[ $csp == *"$directive"* ]] || fail "the dashboard's CSP lacks $directive: $csp"
done
[[ $csp != *unsafe-inline* && $csp != *unsafe-eval* ]] || fail "the dashboard's CSP is not strict: $csp"
# Every inline script of the page as served must be allowed by one of the policy's hashes.
https "$BASE/" >"$WORK/index.html"
python3 - "$WORK/index.html" "$csp" <<'EOF' || fail "an inline script of / is not covered by the CSP"
import base64, hashlib, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
policy = sys.argv[2]
scripts = [b for a, b in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S) if "src=" not in a]
missing = [s[:60] for s in scripts
           if "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() not in policy]
if not scripts or missing:
    sys.exit(f"{len(scripts)} inline scripts, not covered: {missing}")
EOF
expect_header "$BASE/api/health/" Content-Security-Policy "^default-src 'none'; frame-ancestors 'none'$"

say "the dashboard runs under its CSP in Chromium"
node tests/docker/csp-browser.mjs "$BASE" "MAP $DOMAIN_NAME 127.0.0.1" ||
  fail "the dashboard breaks under its CSP in Chromium (see above)"

say "compression"
for url in "$BASE/" "$BASE/api/locations/"; do
  encoding=$(header "$url" Content-Encoding -H 'Accept-Encoding: gzip')
  [ "$encoding" = gzip ] || fail "$url with Accept-Encoding: gzip is sent as '$encoding'"
done
https --compressed "$BASE/api/locations/" | json_field 'len(d)' >/dev/null ||
  fail "/api/locations/ through the proxy is not JSON"

say "/api/* reaches the backend, the rest the dashboard"
https "$BASE/api/health/" | json_field 'd["status"]' >/dev/null || fail "/api/health/ is not the backend's JSON"
https "$BASE/sources/" | grep -q '<html' || fail "/sources/ is not the dashboard's page"

say "HTTP redirects to HTTPS"
read -r code location < <(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}\n' \
  --resolve "$DOMAIN_NAME:$HTTP_PORT:127.0.0.1" "http://$DOMAIN_NAME:$HTTP_PORT/sources/?a=1")
[ "$code" = 308 ] || [ "$code" = 301 ] || fail "HTTP answered $code, not a permanent redirect"
[ "$location" = "https://$DOMAIN_NAME/sources/?a=1" ] || fail "HTTP redirects to '$location'"

say "only the proxy publishes ports, on 127.0.0.1"
for service in $(compose config --services); do
  id=$(compose ps -q "$service")
  [ -n "$id" ] || continue
  # shellcheck disable=SC2016  # a Go template, not a shell expansion
  ports=$("$DOCKER" inspect -f '{{range $p, $b := .HostConfig.PortBindings}}{{range $b}}{{.HostIp}}:{{.HostPort}} {{end}}{{end}}' "$id")
  if [ "$service" = caddy ]; then
    for binding in $ports; do
      [[ $binding == 127.0.0.1:* ]] || fail "caddy publishes $binding, not on 127.0.0.1"
    done
  else
    [ -z "$ports" ] || fail "$service publishes $ports in production"
  fi
done
# The literal ports of the dev combination: closed, unless another program on this shared machine
# holds them; a docker-proxy there must not lead to one of this project's containers.
our_ips=" $(for id in $(compose ps -q); do
  "$DOCKER" inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$id"
done | tr '\n' ' ') "
for port in 5432 6379 8000 3000; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || continue
  for pid in $(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2); do
    target=$(tr '\0' ' ' <"/proc/$pid/cmdline" | grep -o -- '-container-ip [0-9.]*' | cut -d' ' -f2 || true)
    if [ -n "$target" ] && [[ $our_ips == *" $target "* ]]; then
      fail "127.0.0.1:$port answers: docker-proxy to this project's container $target"
    fi
  done
  say "note: 127.0.0.1:$port is open, held by another program on this machine (not this project)"
done

say "ok"
