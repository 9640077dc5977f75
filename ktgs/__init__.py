"""ktgs — Kiểm tra – Giám sát."""
__version__ = "0.1.0"
