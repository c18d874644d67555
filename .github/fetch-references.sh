#!/usr/bin/env bash
# Downloads the documents the tests check the fakes against from their publishers into DIR, prints
# their sha256, and (on GitHub Actions) names DIR in PICLETTER_REFERENCE_DIR for the later steps.
# A change on the publisher's side shows up as a changed hash here or a failing test, never silently.
# tests/reference.py lists the documents.
set -euo pipefail
dir=${1:?usage: fetch-references.sh DIR}
mkdir -p "$dir"
# Heroku's Platform API schema, as the API serves it to a v3 client (Dev Center, platform-api-reference: Schema).
curl -fsSL --retry 3 -H "Accept: application/vnd.heroku+json; version=3" \
  -o "$dir/heroku-platform-api-schema.json" https://api.heroku.com/schema
# Microsoft's ARM schema for Microsoft.Logic at the API version the program uses (2019-05-01),
# from the repository behind https://schema.management.azure.com/schemas/2019-05-01/Microsoft.Logic.json.
curl -fsSL --retry 3 -o "$dir/Microsoft.Logic.json" \
  https://raw.githubusercontent.com/Azure/azure-resource-manager-schemas/main/schemas/2019-05-01/Microsoft.Logic.json
(cd "$dir" && sha256sum -- *)
if [[ -n ${GITHUB_ENV:-} ]]; then
  echo "PICLETTER_REFERENCE_DIR=$(cd "$dir" && pwd)" >> "$GITHUB_ENV"
fi
