#!/usr/bin/env bash
# Install the Debian packages the program and its tests need, where we can (root + apt-get).
# Usage: scripts/debian-deps.sh test|run|venv
# run:  the libraries Qt needs (EGL/GL, fontconfig, xkbcommon) and the xcb libraries a real
#       window needs on Debian 12, plus poppler-utils.
# test: the same plus xvfb, so a test can open the real window on a virtual screen; poppler-utils
#       (pdftotext, pdffonts, pdftoppm) reads the printed documents back; LibreOffice Writer
#       and Calc (headless, ~100 MB and ~40 MB more) print the Word files and the Excel sheets
#       to compare them with the PDFs and to see they open; sqlite3 is
#       the tool the audit tests tamper with the file through, as someone outside would.
# venv: only python3.11-venv, when Debian's Python lacks ensurepip (all three modes add it).
set -u
common="poppler-utils libegl1 libgl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3"
window="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 \
libxkbcommon-x11-0 libxcb-shape0 libxcb-xkb1 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0"
case "${1:-test}" in
  test) wanted="$common xvfb xauth $window libreoffice-writer-nogui libreoffice-calc-nogui sqlite3" ;;
  run) wanted="$common $window" ;;
  venv) wanted="" ;;
  *) echo "usage: $0 test|run|venv" >&2; exit 2 ;;
esac
command -v dpkg-query >/dev/null 2>&1 || exit 0   # not Debian: nothing to do here
# Debian's own Python needs its venv package before `python3.11 -m venv` works.
python="${PYTHON:-python3.11}"
if command -v "$python" >/dev/null 2>&1 && ! "$python" -c "import ensurepip" 2>/dev/null; then
  wanted="$wanted python3.11-venv"
fi
missing=""
for p in $wanted; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || { echo "apt-get failed; install by hand: sudo apt-get install$missing" >&2; exit 1; }
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "请先安装这些系统软件包 / please install: sudo apt-get install$missing" >&2
  exit 1
fi
