#!/usr/bin/env bash
# Makes the files kustomization.yaml turns into Secrets, for a cluster of your own: a private CA (ca.crt; its key
# ca.key stays here, keep it safe or delete it), a silo certificate (server and client usages, for every silo), a
# client certificate for services (client.crt/client.key: mount them as a Secret in the client pods), a random Redis
# password and a random admin token. Needs openssl. Existing files are kept; delete one to make it again.
#   deploy/k8s/secrets/make-secrets.sh [output-directory]
set -euo pipefail
out="${1:-$(dirname "$0")}"
mkdir -p "$out"
cd "$out"
umask 077
days=${GRID_CERT_DAYS:-365}

[ -f redis-password ] || openssl rand -hex 32 | tr -d '\n' > redis-password
[ -f admin-token ] || openssl rand -hex 32 | tr -d '\n' > admin-token

if [ ! -f ca.crt ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days "$((days * 3))" \
    -subj "/CN=Grid CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

issue() { # name subject extendedKeyUsage
  [ -f "$1.crt" ] && return
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=%s\nsubjectAltName=DNS:%s\n' "$3" "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days "$days" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue silo grid-silo "serverAuth,clientAuth"
issue client grid-client "clientAuth"
echo "secrets in $PWD: ca.crt silo.crt silo.key client.crt client.key redis-password admin-token (ca.key: keep it offline)"
