"""Reader: read, search and annotate an archive of articles offline."""

__version__ = "0.1.0"
APP_NAME = "Reader"
APP_AUTHOR = "Reader"
APP_ID = "org.offline-reader.Reader"
