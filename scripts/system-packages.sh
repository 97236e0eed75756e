#!/bin/sh
# Debian packages Curator uses: Tesseract OCR, so Find reads the words in screenshots. Installs them with
# apt-get when missing (as root, or through sudo); elsewhere it says what to install and carries on, since
# Curator still runs without OCR (images are then found by their look and caption only).
command -v tesseract >/dev/null 2>&1 && exit 0
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" != none ]; then
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq tesseract-ocr >/dev/null && exit 0
  fi
fi
echo "warning: could not install Tesseract OCR (Debian package tesseract-ocr); Find will not read text in images." >&2
exit 0
