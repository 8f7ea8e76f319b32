#!/bin/sh
# Remove what install.sh installed for the current user. Your library (the documents, notes
# and settings in ~/.local/share/Reader, or wherever --data-dir put it) is left alone.
set -eu

data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$HOME/.local/opt/reader
bin_dir=$HOME/.local/bin
apps_dir=$data_home/applications
icons_dir=$data_home/icons/hicolor

# The command-line link goes only if it is ours.
if [ -L "$bin_dir/reader" ] && [ "$(readlink "$bin_dir/reader")" = "$app_dir/reader" ]; then
    rm -f "$bin_dir/reader"
fi
rm -f "$apps_dir/reader.desktop"
rm -f "$icons_dir"/*/apps/reader.png "$icons_dir"/*/apps/reader.svg
for folder in "$icons_dir"/*/apps; do  # the size folders install.sh made, once empty
    rmdir "$folder" "$(dirname "$folder")" 2>/dev/null || true
done
rm -rf "$app_dir"
rmdir "$HOME/.local/opt" 2>/dev/null || true

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$apps_dir" 2>/dev/null || true
fi
if [ -f "$icons_dir/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f "$icons_dir" || true
fi
if command -v xdg-desktop-menu >/dev/null 2>&1; then
    xdg-desktop-menu forceupdate || true
fi

echo "Reader is uninstalled. Your library is still in $data_home/Reader (delete it if you want)."
