#!/bin/sh
# Debian packages Curator uses: Tesseract OCR, so Find reads the words in screenshots. Installs them with
# apt-get when missing (as root, or through sudo); elsewhere it says what to install and carries on, since
# Curator still runs without OCR (images are then found by their look and caption only).
# Both README commands start here, so this is also where a wrong Python stops them, before pip's bare error.
version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo "missing")
if [ "$version" != "3.11" ]; then
  cat >&2 <<EOF
Curator needs Python 3.11, and python3 here is $version: the pinned CPU build of PyTorch (torch==2.13.0)
is made for Python 3.11 only, so pip would refuse to install Curator. Get Python 3.11, then run the command again:
  pyenv:          pyenv install 3.11 && pyenv local 3.11      (python3 in this folder is then 3.11)
  uv:             uv python install 3.11                      (then use python3.11 in place of python3)
  Debian/Ubuntu:  apt-get install python3.11 python3.11-venv  (then use python3.11 in place of python3)
EOF
  exit 1
fi
command -v tesseract >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" != none ]; then
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq tesseract-ocr >/dev/null && exit 0
  fi
fi
echo "warning: could not install Tesseract OCR (Debian package tesseract-ocr); Find will not read text in images." >&2
exit 0
