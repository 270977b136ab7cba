"""opskit: IT and website operations for small government offices, driven by their SOP."""

__version__ = "0.1.0"
