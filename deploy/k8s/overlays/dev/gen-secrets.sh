#!/usr/bin/env bash
# Generates the dev overlay's JWT signing key (once) and the public key file the services read:
#   secrets/dev-2026-11.key   RSA-2048 private key (mode 0600): mint tokens with
#                             gongtongctl token --key=secrets/dev-2026-11.key --kid=dev-2026-11 \
#                               --iss=gongtong-dev --aud=gongtong --sub=me --role=province_admin
#   secrets/jwt-keys.json     {"keys":[{"kid":"dev-2026-11","alg":"RS256","public_key_pem":...}]}
# secrets/ is ignored by git: the key never leaves the machine that made it.
set -euo pipefail
cd "$(dirname -- "$(realpath -- "${BASH_SOURCE[0]}")")"
KID=${GONGTONG_JWT_KID:-dev-2026-11}
mkdir -p secrets
chmod 0700 secrets
if [[ ! -s secrets/$KID.key ]]; then
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "secrets/$KID.key" 2>/dev/null)
  echo "generated secrets/$KID.key" >&2
fi
pub=$(openssl pkey -in "secrets/$KID.key" -pubout)
printf '{"keys":[{"kid":"%s","alg":"RS256","public_key_pem":"%s"}]}\n' \
  "$KID" "$(printf '%s\n' "$pub" | awk '{ printf "%s\\n", $0 }')" >secrets/jwt-keys.json
echo "wrote secrets/jwt-keys.json" >&2
