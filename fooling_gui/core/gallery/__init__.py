"""Galleries: PNGs with provenance, contact sheet, index.html, manifest.json."""

from .contact_sheet import contact_sheet, is_contact_sheet
from .export import GALLERY_FORMAT, Provenance, elite_filename, export_gallery
from .png_meta import read_png_text, write_png

__all__ = ["GALLERY_FORMAT", "Provenance", "contact_sheet", "elite_filename", "export_gallery",
           "is_contact_sheet",
           "read_png_text", "write_png"]
