#!/bin/sh
# Install Reader for the current user, from the folder this script is in (the unpacked
# Reader-<version>-linux-x86_64.tar.gz). Nothing outside your home is touched:
#
#   ~/.local/opt/reader/                    the application (and uninstall.sh)
#   ~/.local/bin/reader                     a link to it, for the command line
#   ~/.local/share/applications/reader.desktop
#   ~/.local/share/icons/hicolor/*/apps/reader.{png,svg}
#
# The desktop file lists the types Reader opens (text, Markdown, web pages, EPUB), so file
# managers offer "Open with Reader" for them; no default application is changed.
# Run ~/.local/opt/reader/uninstall.sh to remove it all again (your library stays).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$HOME/.local/opt/reader
bin_dir=$HOME/.local/bin
apps_dir=$data_home/applications
icons_dir=$data_home/icons/hicolor

if [ ! -x "$here/reader/reader" ]; then
    echo "install.sh: $here/reader/reader is missing; run me from the unpacked archive." >&2
    exit 1
fi

# A previous version goes first, so that no file of it stays behind.
rm -rf "$app_dir"
mkdir -p "$app_dir" "$bin_dir" "$apps_dir" "$icons_dir"
cp -R "$here/reader/." "$app_dir/"
cp "$here/uninstall.sh" "$app_dir/uninstall.sh"
chmod 755 "$app_dir/uninstall.sh"
ln -sfn "$app_dir/reader" "$bin_dir/reader"

# The launcher runs the installed copy by its full path: ~/.local/bin is not on every
# desktop session's PATH.
sed -e "s|^Exec=reader |Exec=\"$app_dir/reader\" |" -e "s|^TryExec=reader\$|TryExec=$app_dir/reader|" \
    "$here/share/applications/reader.desktop" > "$apps_dir/reader.desktop"
chmod 644 "$apps_dir/reader.desktop"
(cd "$here/share/icons/hicolor" && find . -name 'reader.*' -type f) | while read -r icon; do
    mkdir -p "$icons_dir/$(dirname "$icon")"
    cp "$here/share/icons/hicolor/$icon" "$icons_dir/$icon"
done

# Refresh the caches that desktops read, where the tools exist.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$apps_dir" || true
fi
# An icon cache is only refreshed where one exists: a new one would hide the icons that other
# programs later add without updating it.
if [ -f "$icons_dir/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f "$icons_dir" || true
fi
touch "$icons_dir"
if command -v xdg-desktop-menu >/dev/null 2>&1; then
    xdg-desktop-menu forceupdate || true
fi

echo "Reader is installed in $app_dir."
# Qt takes the desktop's own libraries (X11, xcb, Wayland, fontconfig, GL) from the system.
qt=$app_dir/_internal/PySide6/Qt
missing=$(LD_LIBRARY_PATH="$app_dir/_internal" ldd "$qt/lib/libQt6Widgets.so.6" \
    "$qt/plugins/platforms/libqxcb.so" "$qt/plugins/platforms/libqwayland.so" 2>/dev/null |
    awk '/not found/ { print $1 }' | sort -u | tr '\n' ' ')
if [ -n "$missing" ]; then
    echo "Warning: this system lacks libraries Reader's window needs: $missing"
    echo "  (Debian, Ubuntu: sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" \
        "libxcb-image0 libxcb-render-util0 libxkbcommon-x11-0 libwayland-cursor0 libegl1)"
fi
case ":$PATH:" in
    *":$bin_dir:"*) echo "Start it from your applications menu, or run: reader" ;;
    *) echo "Start it from your applications menu, or run: $bin_dir/reader" ;;
esac
echo "To remove it: $app_dir/uninstall.sh"
