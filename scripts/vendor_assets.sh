#!/usr/bin/env bash
# Copy front-end libraries from node_modules (installed from the npm registry by
# `npm ci`) into the ignored static/vendor folder that Django serves. No CDN at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=chuangcheng/static/vendor
rm -rf "$dest"
mkdir -p "$dest/leaflet" "$dest/echarts"
cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images "$dest/leaflet/"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
touch "$dest/.stamp"
