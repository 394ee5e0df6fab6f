#!/usr/bin/env bash
# Serve the app with gunicorn; run the background worker and the periodic jobs (tick) beside
# it; stop all three together.
set -euo pipefail
cd "$(dirname "$0")/.."
host=${1:-127.0.0.1}
port=${2:-8000}
.venv/bin/python manage.py db_worker --interval 2 &
worker=$!
.venv/bin/python manage.py tick --loop 60 &
ticker=$!
trap 'kill $worker $ticker 2>/dev/null || true' EXIT INT TERM
echo "chuangcheng: http://$host:$port/"
.venv/bin/gunicorn chuangcheng.wsgi:application --bind "$host:$port" --workers "${WEB_WORKERS:-2}" \
  --threads 4 --access-logfile - --graceful-timeout 5
