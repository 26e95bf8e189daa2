"""IMS Common Cartridge 1.1."""
