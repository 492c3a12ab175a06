#!/usr/bin/env bash
# Readies a new dev container or Codespace for the workbook; devcontainer.json runs it once, after
# the container is created, and CI runs it as a plain script on a clean clone.
#   1. Jupyter from Debian (for `npm run notebook` and the tests; VS Code needs only the kernel),
#   2. the dependencies, exactly as the lockfile pins them (npm ci also builds dist/),
#   3. the workbook's kernel, registered for this user so VS Code's Jupyter extension offers it,
#   4. the doctor, whose exit status is this script's.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! /usr/bin/python3 -c "import nbclient, nbformat, jupyter_client" 2>/dev/null; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    jupyter-notebook python3-nbconvert python3-nbclient jupyter-client >/dev/null
fi

npm ci --no-audit --no-fund
npm run kernel --silent
npm run doctor --silent
